using System;
using System.IO;
using System.Net.Http;
using System.Threading;
using System.Threading.Tasks;

namespace NetbootOci.Engine.Oci.Remote
{
    /// <summary>
    /// A response body that fails with <see cref="ErrorIds.TransferStalled"/> when one read makes no progress
    /// for the stall timeout (HttpClient's own timeout does not cover bodies read after the headers), and
    /// that turns a dropped connection into <see cref="ErrorIds.RegistryUnreachable"/>. It owns the response.
    /// </summary>
    internal sealed class StallGuardStream : Stream
    {
        readonly Stream _inner;
        readonly HttpResponseMessage _response;
        readonly TimeSpan _stallTimeout;
        readonly string _what;
        long _read;
        bool _disposed;

        public StallGuardStream(Stream inner, HttpResponseMessage response, TimeSpan stallTimeout, string what)
        {
            _inner = inner;
            _response = response;
            _stallTimeout = stallTimeout;
            _what = what;
        }

        public override async Task<int> ReadAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken)
        {
            using (var stall = new CancellationTokenSource())
            using (var linked = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, stall.Token))
            {
                if (_stallTimeout > TimeSpan.Zero && _stallTimeout != Timeout.InfiniteTimeSpan) stall.CancelAfter(_stallTimeout);
                // Some handlers (.NET Framework) ignore the token on body reads: disposing the response unblocks them.
                using (stall.Token.Register(() => { try { _response.Dispose(); } catch (ObjectDisposedException) { } }))
                {
                    try
                    {
                        int n = await _inner.ReadAsync(buffer, offset, count, linked.Token).ConfigureAwait(false);
                        _read += n;
                        return n;
                    }
                    catch (Exception e) when (stall.IsCancellationRequested && !cancellationToken.IsCancellationRequested)
                    {
                        throw new NetbootException(ErrorIds.TransferStalled, FailureKind.ConnectionError,
                            $"{_what}: no data for {_stallTimeout.TotalSeconds:0.#} s after {_read} bytes; the transfer stalled.", _what, e);
                    }
                    catch (Exception e) when (!(e is OperationCanceledException) && !(e is NetbootException) && (e is IOException || e is HttpRequestException || e is ObjectDisposedException))
                    {
                        if (_disposed) throw;
                        throw new NetbootException(ErrorIds.RegistryUnreachable, FailureKind.ConnectionError,
                            $"{_what}: the connection failed after {_read} bytes ({e.Message}).", _what, e);
                    }
                }
            }
        }

        public override int Read(byte[] buffer, int offset, int count) =>
            ReadAsync(buffer, offset, count, CancellationToken.None).GetAwaiter().GetResult();

        public override bool CanRead => true;
        public override bool CanSeek => false;
        public override bool CanWrite => false;
        public override long Length => throw new NotSupportedException();
        public override long Position { get => _read; set => throw new NotSupportedException(); }
        public override void Flush() { }
        public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();
        public override void SetLength(long value) => throw new NotSupportedException();
        public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();

        protected override void Dispose(bool disposing)
        {
            if (disposing && !_disposed)
            {
                _disposed = true;
                _inner.Dispose();
                _response.Dispose();
            }
            base.Dispose(disposing);
        }
    }
}
