# Documentation for the PowerShell module netboot_sync.ps1 (ansible-doc reads this file).

DOCUMENTATION = r'''
---
module: netboot_sync
short_description: Make a boot proxy match a NetbootOci inventory
description:
  - Runs C(Get-NetbootArtifact -InventoryPath | Test-NetbootSignature -PassThru | Save-NetbootArtifact | Set-NetbootLink)
    on the target with the NetbootOci PowerShell module.
  - Check mode passes C(-WhatIf); the cmdlets report what would change and touch nothing, and C(changed) and the
    diff say what a real run would change.
  - C(changed) is true only when an OS entry or a link changed (or would, in check mode).
  - Fails when the inventory is invalid (C(error_id=InventoryInvalid), message lists file:line:column of every error)
    or when any artifact or link failed (the others are still synced), for example C(error_id=ManifestNotFound) for a
    missing tag or C(error_id=RegistryUnreachable) for a registry that is down. C(msg) starts with the same id.
options:
  inventory:
    description: Inventory files on the target (merged in order).
    type: list
    elements: path
    required: true
  proxy:
    description: Sync only this proxy of the inventory.
    type: str
  module_version:
    description: Minimum NetbootOci module version to import.
    type: str
requirements:
  - NetbootOci module on the target (Windows PowerShell 5.1 or PowerShell 7).
  - Linux targets need ansible-core >= 2.22 and pwsh.
'''

EXAMPLES = r'''
- name: Sync the boot proxy
  netboot_sync:
    inventory: [C:\ProgramData\NetbootOci\site.yaml]
    proxy: pxe-dc1
'''

RETURN = r'''
artifacts:
  description: One entry per deployed artifact.
  returned: always
  type: list
  elements: dict
links:
  description: Links created or changed.
  returned: always
  type: list
  elements: dict
failures:
  description: Error id (error_id), what failed (target) and message of every failed artifact or link.
  returned: always
  type: list
  elements: dict
error_id:
  description: The NetbootOci error id (README "Error ids", ErrorIds.cs) of the first failure.
  returned: failure
  type: str
  sample: ManifestNotFound
'''
