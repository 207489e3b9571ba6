using System.Collections.Generic;
using System.Linq;

namespace NetbootOci
{
    /// <summary>One problem in an inventory, with where it is.</summary>
    public sealed class InventoryError
    {
        public InventoryError(string file, int line, int column, string message)
        {
            File = file;
            Line = line;
            Column = column;
            Message = message;
        }

        public string File { get; }
        public int Line { get; }
        public int Column { get; }
        public string Message { get; }

        /// <summary><c>file:line:column: message</c>, the form compilers use so editors can jump to it.</summary>
        public override string ToString() => $"{File}:{Line}:{Column}: {Message}";
    }

    /// <summary>An inventory that failed validation: every error found, not just the first.</summary>
    public sealed class InventoryException : NetbootException
    {
        public InventoryException(IReadOnlyList<InventoryError> errors)
            : base(ErrorIds.InventoryInvalid, FailureKind.InvalidData, Format(errors), errors.Count > 0 ? errors[0].File : null)
        {
            Errors = errors;
        }

        public IReadOnlyList<InventoryError> Errors { get; }

        static string Format(IReadOnlyList<InventoryError> errors) =>
            $"The inventory has {errors.Count} error{(errors.Count == 1 ? "" : "s")}:\n" + string.Join("\n", errors.Select(e => "  " + e));
    }
}
