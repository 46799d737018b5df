using System;
using System.Collections.Generic;
using System.IO;
using System.Net.Http;
using System.Net.Http.Headers;
using System.Text;

namespace FinBackup.Aws.Protocol
{
    /// <summary>One wire request, protocol-neutral: built once, signed and sent afresh on every attempt.</summary>
    public sealed class AwsRequest
    {
        public AwsRequest(string operation, HttpMethod method, string path, string query = null)
        {
            Operation = operation;
            Method = method;
            Path = string.IsNullOrEmpty(path) ? "/" : path;
            Query = query;
        }

        public string Operation { get; }
        public HttpMethod Method { get; }
        /// <summary>Already percent-encoded path, starting with '/'.</summary>
        public string Path { get; }
        /// <summary>Already encoded query string without '?', or null.</summary>
        public string Query { get; }
        /// <summary>Put in front of the endpoint's host name, e.g. "bucket." for an S3 virtual-hosted-style request; null for none.</summary>
        public string HostPrefix { get; set; }
        public byte[] Body { get; set; }
        /// <summary>
        /// A body sent from a stream instead of <see cref="Body"/> (an S3 content PUT): read from its start on every attempt
        /// (it must be seekable), exactly <see cref="BodyLength"/> bytes, never disposed here. The signer does not read it:
        /// its SHA-256 must be given as the x-amz-content-sha256 header.
        /// </summary>
        public Stream BodyStream { get; set; }
        public long BodyLength { get; set; }
        public string ContentType { get; set; }
        /// <summary>Headers that are sent and signed (e.g. X-Amz-Target).</summary>
        public IDictionary<string, string> Headers { get; } = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);
    }

    /// <summary>A complete response: status, headers and the whole body (read inside the attempt deadline).</summary>
    public sealed class AwsResponse
    {
        public AwsResponse(int statusCode, HttpResponseHeaders headers, HttpContentHeaders contentHeaders, byte[] body)
        {
            StatusCode = statusCode;
            Headers = headers;
            ContentHeaders = contentHeaders;
            Body = body ?? Array.Empty<byte>();
        }

        public int StatusCode { get; }
        public HttpResponseHeaders Headers { get; }
        public HttpContentHeaders ContentHeaders { get; }
        public byte[] Body { get; }
        public string BodyText => Encoding.UTF8.GetString(Body);
        public bool IsSuccess => StatusCode >= 200 && StatusCode < 300;

        public string Header(string name)
        {
            if (Headers != null && Headers.TryGetValues(name, out var values))
            {
                foreach (var v in values) return v;
            }
            return null;
        }

        /// <summary>The request id AWS returned in a header (x-amzn-RequestId / x-amz-request-id), if any.</summary>
        public string RequestIdHeader => Header("x-amzn-RequestId") ?? Header("x-amz-request-id") ?? Header("x-amz-id-2");
    }

    /// <summary>An error code and message parsed from an error response.</summary>
    public struct AwsErrorInfo
    {
        public AwsErrorInfo(string code, string message, string requestId)
        {
            Code = code;
            Message = message;
            RequestId = requestId;
        }

        public string Code { get; }
        public string Message { get; }
        public string RequestId { get; }
    }

    /// <summary>Percent-encoding as SigV4 and the AWS protocols expect (RFC 3986 unreserved characters kept).</summary>
    public static class AwsEncoding
    {
        public static string Encode(string value) => Uri.EscapeDataString(value ?? string.Empty);

        /// <summary>An encoded query string from name/value pairs (null values are skipped).</summary>
        public static string Query(IEnumerable<KeyValuePair<string, string>> parameters)
        {
            var sb = new StringBuilder();
            foreach (var p in parameters)
            {
                if (p.Value == null) continue;
                if (sb.Length > 0) sb.Append('&');
                sb.Append(Encode(p.Key)).Append('=').Append(Encode(p.Value));
            }
            return sb.ToString();
        }
    }
}
