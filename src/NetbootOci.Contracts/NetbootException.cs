using System;

namespace NetbootOci
{
    /// <summary>
    /// What kind of failure an error is: the engine branches on it (retry, skip a bad signature); the category a
    /// user sees is the error id's (<see cref="ErrorIds.CategoryOf"/>). Names are those of PowerShell's ErrorCategory.
    /// </summary>
    public enum FailureKind
    {
        InvalidArgument,
        InvalidData,
        ObjectNotFound,
        PermissionDenied,
        AuthenticationError,
        ConnectionError,
        ResourceBusy,
        ResourceUnavailable,
        SecurityError,
        WriteError,
        OperationStopped,
        NotImplemented,
        ResourceExists,
        InvalidResult,
        OperationTimeout,
        NotSpecified,
    }

    /// <summary>
    /// The one exception the engine throws for expected failures. It carries a stable id
    /// (<see cref="ErrorIds"/>), a kind, and the object it concerns (a reference, path or file name).
    /// Messages name what was wrong and where, and never contain secrets.
    /// </summary>
    public class NetbootException : Exception
    {
        public NetbootException(string errorId, FailureKind kind, string message, object? target = null, Exception? inner = null)
            : base(message, inner)
        {
            ErrorId = errorId;
            Kind = kind;
            Target = target;
        }

        public string ErrorId { get; }
        public FailureKind Kind { get; }
        public object? Target { get; }
    }
}
