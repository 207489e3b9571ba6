# Helper of tests/bench/zstd-bench.sh: decompresses one zstd file through the engine's ZstdDecompressor (ZstdSharp)
# loaded from -EngineDir, into a null sink (or -Output), and prints the seconds the decompression took (process
# start and JIT of the loader excluded, as zstd -d's start is negligible too).
param(
    [Parameter(Mandatory)] [string] $EngineDir,
    [Parameter(Mandatory)] [string] $InputPath,
    [string] $OutputPath
)
$ErrorActionPreference = 'Stop'
# The module keeps the contracts one folder above bin/; the CLI has everything in one folder.
$contracts = @((Join-Path $EngineDir 'NetbootOci.Contracts.dll'), (Join-Path (Split-Path $EngineDir) 'NetbootOci.Contracts.dll')) |
    Where-Object { Test-Path $_ } | Select-Object -First 1
[void][Reflection.Assembly]::LoadFrom($contracts)
$engine = [Reflection.Assembly]::LoadFrom((Join-Path $EngineDir 'NetbootOci.Engine.dll'))
$zstd = [Reflection.Assembly]::LoadFrom((Join-Path $EngineDir 'ZstdSharp.dll'))
$type = $engine.GetType('NetbootOci.Engine.Store.ZstdDecompressor', $true)
$in = [IO.File]::OpenRead($InputPath)
$out = if ($OutputPath) { [IO.File]::Create($OutputPath) } else { [IO.Stream]::Null }
try {
    $watch = [Diagnostics.Stopwatch]::StartNew()
    $type.GetMethod('Decompress').Invoke($null, @($in, $out, 'bench layer', [Threading.CancellationToken]::None))
    $watch.Stop()
} finally { $in.Dispose(); $out.Dispose() }
'{0:F3} {1}' -f $watch.Elapsed.TotalSeconds, $zstd.GetCustomAttributes([Runtime.Versioning.TargetFrameworkAttribute], $false)[0].FrameworkName
