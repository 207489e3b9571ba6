using System;
using System.IO;
using System.Runtime.InteropServices;
using System.Threading;

namespace NetbootOci.Engine.Store
{
    /// <summary>
    /// Streaming zstd decompression through the system libzstd (libzstd.so.1 on Linux, libzstd.dll/zstd.dll on
    /// Windows) with fixed-size buffers, so memory does not grow with the blob. When no library loads, the
    /// caller gets <see cref="ErrorIds.DecompressionFailed"/> naming what could not be read.
    /// </summary>
    public static class ZstdDecompressor
    {
        const int InputBuffer = 1 << 17;
        const int OutputBuffer = 1 << 17;

        /// <summary>Decompresses all frames of <paramref name="input"/> into <paramref name="output"/>; <paramref name="what"/> names the artifact and file for errors.</summary>
        public static void Decompress(Stream input, Stream output, string what, CancellationToken cancellationToken)
        {
            var api = Library.Get(what);
            IntPtr stream = api.Create();
            if (stream == IntPtr.Zero) throw Fail(what, "ZSTD_createDStream returned null");
            var inBytes = new byte[InputBuffer];
            var outBytes = new byte[OutputBuffer];
            var inHandle = GCHandle.Alloc(inBytes, GCHandleType.Pinned);
            var outHandle = GCHandle.Alloc(outBytes, GCHandleType.Pinned);
            try
            {
                Check(api, api.Init(stream), what);
                UIntPtr last = UIntPtr.Zero;
                bool any = false;
                int n;
                while ((n = input.Read(inBytes, 0, inBytes.Length)) > 0)
                {
                    cancellationToken.ThrowIfCancellationRequested();
                    any = true;
                    var inBuffer = new InBuffer { Src = inHandle.AddrOfPinnedObject(), Size = (UIntPtr)n, Pos = UIntPtr.Zero };
                    while ((ulong)inBuffer.Pos < (ulong)inBuffer.Size)
                    {
                        var outBuffer = new OutBuffer { Dst = outHandle.AddrOfPinnedObject(), Size = (UIntPtr)outBytes.Length, Pos = UIntPtr.Zero };
                        last = Check(api, api.Decompress(stream, ref outBuffer, ref inBuffer), what);
                        if ((ulong)outBuffer.Pos > 0) output.Write(outBytes, 0, (int)(ulong)outBuffer.Pos);
                    }
                    // Flush what the decoder still holds for the bytes it has consumed.
                    while ((ulong)last != 0)
                    {
                        var empty = new InBuffer { Src = inHandle.AddrOfPinnedObject(), Size = UIntPtr.Zero, Pos = UIntPtr.Zero };
                        var outBuffer = new OutBuffer { Dst = outHandle.AddrOfPinnedObject(), Size = (UIntPtr)outBytes.Length, Pos = UIntPtr.Zero };
                        last = Check(api, api.Decompress(stream, ref outBuffer, ref empty), what);
                        if ((ulong)outBuffer.Pos == 0) break;
                        output.Write(outBytes, 0, (int)(ulong)outBuffer.Pos);
                    }
                }
                if (!any) throw Fail(what, "the compressed blob is empty");
                if ((ulong)last != 0) throw Fail(what, "the zstd stream is truncated (the last frame is incomplete)");
            }
            finally
            {
                inHandle.Free();
                outHandle.Free();
                api.Free(stream);
            }
        }

        /// <summary>True when a zstd library can be loaded on this machine.</summary>
        public static bool IsAvailable
        {
            get
            {
                try { Library.Get("probe"); return true; }
                catch (NetbootException) { return false; }
            }
        }

        static UIntPtr Check(Api api, UIntPtr code, string what)
        {
            if (api.IsError(code) != 0)
                throw Fail(what, "zstd error: " + (Marshal.PtrToStringAnsi(api.ErrorName(code)) ?? "unknown"));
            return code;
        }

        static NetbootException Fail(string what, string why) =>
            new NetbootException(ErrorIds.DecompressionFailed, FailureKind.InvalidData, $"Cannot decompress {what} (format zstd): {why}.", what);

        [StructLayout(LayoutKind.Sequential)]
        struct InBuffer { public IntPtr Src; public UIntPtr Size; public UIntPtr Pos; }

        [StructLayout(LayoutKind.Sequential)]
        struct OutBuffer { public IntPtr Dst; public UIntPtr Size; public UIntPtr Pos; }

        delegate IntPtr CreateFn();
        delegate UIntPtr InitFn(IntPtr zds);
        delegate UIntPtr DecompressFn(IntPtr zds, ref OutBuffer output, ref InBuffer input);
        delegate uint IsErrorFn(UIntPtr code);
        delegate IntPtr ErrorNameFn(UIntPtr code);
        delegate UIntPtr FreeFn(IntPtr zds);

        sealed class Api
        {
            public CreateFn Create = null!;
            public InitFn Init = null!;
            public DecompressFn Decompress = null!;
            public IsErrorFn IsError = null!;
            public ErrorNameFn ErrorName = null!;
            public FreeFn Free = null!;
        }

        /// <summary>Tries the library names in order; the first one whose entry points resolve wins.</summary>
        static class Library
        {
            static Api? _api;
            static readonly object Gate = new object();

            public static Api Get(string what)
            {
                lock (Gate)
                {
                    if (_api != null) return _api;
                    Exception? last = null;
                    foreach (var candidate in new Func<Api>[] { SoName.Bind, Plain.Bind, Windows.Bind })
                    {
                        try
                        {
                            var api = candidate();
                            IntPtr probe = api.Create();
                            api.Free(probe);
                            return _api = api;
                        }
                        catch (DllNotFoundException e) { last = e; }
                        catch (EntryPointNotFoundException e) { last = e; }
                        catch (BadImageFormatException e) { last = e; }
                    }
                    throw new NetbootException(ErrorIds.DecompressionFailed, FailureKind.ResourceUnavailable,
                        $"Cannot decompress {what} (format zstd): the zstd library (libzstd.so.1, libzstd.dll or zstd.dll) cannot be loaded on this machine ({last?.Message}). Install zstd (Debian: libzstd1).",
                        what, last);
                }
            }
        }

        // Three copies of the same six imports on purpose: netstandard2.0 has no NativeLibrary, so a DllImport's
        // library name must be a constant, and Debian ships only libzstd.so.1 (no unversioned libzstd.so symlink
        // without the -dev package) while Windows builds are named zstd.dll or libzstd.dll.
        static class SoName
        {
            const string Lib = "libzstd.so.1";
            [DllImport(Lib)] static extern IntPtr ZSTD_createDStream();
            [DllImport(Lib)] static extern UIntPtr ZSTD_initDStream(IntPtr zds);
            [DllImport(Lib)] static extern UIntPtr ZSTD_decompressStream(IntPtr zds, ref OutBuffer output, ref InBuffer input);
            [DllImport(Lib)] static extern uint ZSTD_isError(UIntPtr code);
            [DllImport(Lib)] static extern IntPtr ZSTD_getErrorName(UIntPtr code);
            [DllImport(Lib)] static extern UIntPtr ZSTD_freeDStream(IntPtr zds);
            public static Api Bind() => new Api { Create = ZSTD_createDStream, Init = ZSTD_initDStream, Decompress = ZSTD_decompressStream, IsError = ZSTD_isError, ErrorName = ZSTD_getErrorName, Free = ZSTD_freeDStream };
        }

        static class Plain
        {
            const string Lib = "libzstd";
            [DllImport(Lib)] static extern IntPtr ZSTD_createDStream();
            [DllImport(Lib)] static extern UIntPtr ZSTD_initDStream(IntPtr zds);
            [DllImport(Lib)] static extern UIntPtr ZSTD_decompressStream(IntPtr zds, ref OutBuffer output, ref InBuffer input);
            [DllImport(Lib)] static extern uint ZSTD_isError(UIntPtr code);
            [DllImport(Lib)] static extern IntPtr ZSTD_getErrorName(UIntPtr code);
            [DllImport(Lib)] static extern UIntPtr ZSTD_freeDStream(IntPtr zds);
            public static Api Bind() => new Api { Create = ZSTD_createDStream, Init = ZSTD_initDStream, Decompress = ZSTD_decompressStream, IsError = ZSTD_isError, ErrorName = ZSTD_getErrorName, Free = ZSTD_freeDStream };
        }

        static class Windows
        {
            const string Lib = "zstd";
            [DllImport(Lib)] static extern IntPtr ZSTD_createDStream();
            [DllImport(Lib)] static extern UIntPtr ZSTD_initDStream(IntPtr zds);
            [DllImport(Lib)] static extern UIntPtr ZSTD_decompressStream(IntPtr zds, ref OutBuffer output, ref InBuffer input);
            [DllImport(Lib)] static extern uint ZSTD_isError(UIntPtr code);
            [DllImport(Lib)] static extern IntPtr ZSTD_getErrorName(UIntPtr code);
            [DllImport(Lib)] static extern UIntPtr ZSTD_freeDStream(IntPtr zds);
            public static Api Bind() => new Api { Create = ZSTD_createDStream, Init = ZSTD_initDStream, Decompress = ZSTD_decompressStream, IsError = ZSTD_isError, ErrorName = ZSTD_getErrorName, Free = ZSTD_freeDStream };
        }
    }
}
