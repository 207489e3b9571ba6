using System;
using System.Net.Http;

namespace NetbootOci.Engine.Oci.Remote
{
    /// <summary>RFC 8288 <c>Link: &lt;url&gt;; rel="next"</c> pagination; a relative URL is resolved against the page's URL.</summary>
    internal static class LinkHeader
    {
        public static Uri? Next(HttpResponseMessage response, Uri current)
        {
            if (!response.Headers.TryGetValues("Link", out var values)) return null;
            foreach (var header in values)
            {
                foreach (var link in SplitLinks(header))
                {
                    int open = link.IndexOf('<'), close = link.IndexOf('>');
                    if (open < 0 || close < open) continue;
                    string target = link.Substring(open + 1, close - open - 1).Trim();
                    string parameters = link.Substring(close + 1);
                    if (!HasRelNext(parameters)) continue;
                    if (Uri.TryCreate(current, target, out var next)) return next;
                }
            }
            return null;
        }

        /// <summary>Splits on commas outside &lt;…&gt; and quotes.</summary>
        static System.Collections.Generic.IEnumerable<string> SplitLinks(string header)
        {
            int start = 0;
            bool inAngle = false, inQuote = false;
            for (int i = 0; i < header.Length; i++)
            {
                char c = header[i];
                if (c == '<' && !inQuote) inAngle = true;
                else if (c == '>' && !inQuote) inAngle = false;
                else if (c == '"' && !inAngle) inQuote = !inQuote;
                else if (c == ',' && !inAngle && !inQuote)
                {
                    yield return header.Substring(start, i - start);
                    start = i + 1;
                }
            }
            yield return header.Substring(start);
        }

        static bool HasRelNext(string parameters)
        {
            foreach (var part in parameters.Split(';'))
            {
                var p = part.Trim();
                if (!p.StartsWith("rel", StringComparison.OrdinalIgnoreCase)) continue;
                int eq = p.IndexOf('=');
                if (eq < 0) continue;
                string value = p.Substring(eq + 1).Trim().Trim('"');
                foreach (var rel in value.Split(' '))
                    if (string.Equals(rel, "next", StringComparison.OrdinalIgnoreCase)) return true;
            }
            return false;
        }
    }
}
