using System;
using System.Net;
using System.Net.Sockets;
using System.Threading;
using System.Threading.Tasks;

namespace NetbootOci.Engine.Tests.Save
{
    /// <summary>
    /// A TCP proxy in front of the real registry that slows responses down to a slow link's pace, so a test can
    /// kill a download mid-blob on however fast a loopback. It forwards bytes unchanged.
    /// </summary>
    public sealed class ThrottlingProxy : IDisposable
    {
        readonly TcpListener _listener = new TcpListener(IPAddress.Loopback, 0);
        readonly int _targetPort;
        readonly int _bytesPerSecond;
        readonly CancellationTokenSource _stop = new CancellationTokenSource();

        public ThrottlingProxy(int targetPort, int bytesPerSecond)
        {
            _targetPort = targetPort;
            _bytesPerSecond = bytesPerSecond;
            _listener.Start();
            _ = Task.Run(AcceptAsync);
        }

        public string Host => "127.0.0.1:" + ((IPEndPoint)_listener.LocalEndpoint).Port;

        async Task AcceptAsync()
        {
            while (!_stop.IsCancellationRequested)
            {
                TcpClient client;
                try { client = await _listener.AcceptTcpClientAsync(_stop.Token); }
                catch (Exception) { return; }
                _ = Task.Run(async () =>
                {
                    using (client)
                    using (var upstream = new TcpClient())
                    {
                        try
                        {
                            await upstream.ConnectAsync(IPAddress.Loopback, _targetPort);
                            var up = Pump(client.GetStream(), upstream.GetStream(), false);
                            var down = Pump(upstream.GetStream(), client.GetStream(), true);
                            await Task.WhenAny(up, down);
                        }
                        catch (Exception) { }
                    }
                });
            }
        }

        async Task Pump(NetworkStream from, NetworkStream to, bool throttle)
        {
            var buffer = new byte[16384];
            int n;
            while ((n = await from.ReadAsync(buffer, 0, buffer.Length, _stop.Token)) > 0)
            {
                await to.WriteAsync(buffer, 0, n, _stop.Token);
                if (throttle) await Task.Delay(TimeSpan.FromSeconds((double)n / _bytesPerSecond), _stop.Token);
            }
        }

        public void Dispose()
        {
            _stop.Cancel();
            _listener.Stop();
        }
    }
}
