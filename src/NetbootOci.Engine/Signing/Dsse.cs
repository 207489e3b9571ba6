using System.Globalization;
using System.Text;

namespace NetbootOci.Engine.Signing
{
    /// <summary>DSSE v1 pre-authentication encoding: what a DSSE signature actually signs.</summary>
    public static class Dsse
    {
        public const string InTotoPayloadType = "application/vnd.in-toto+json";

        /// <summary><c>"DSSEv1" SP len(type) SP type SP len(payload) SP payload</c>, lengths as decimal byte counts.</summary>
        public static byte[] PreAuthEncoding(string payloadType, byte[] payload)
        {
            byte[] type = Encoding.UTF8.GetBytes(payloadType);
            byte[] head = Encoding.ASCII.GetBytes("DSSEv1 " + type.Length.ToString(CultureInfo.InvariantCulture) + " ");
            byte[] mid = Encoding.ASCII.GetBytes(" " + payload.Length.ToString(CultureInfo.InvariantCulture) + " ");
            var result = new byte[head.Length + type.Length + mid.Length + payload.Length];
            head.CopyTo(result, 0);
            type.CopyTo(result, head.Length);
            mid.CopyTo(result, head.Length + type.Length);
            payload.CopyTo(result, head.Length + type.Length + mid.Length);
            return result;
        }
    }
}
