using System;
using System.Net.Http;
using System.Text;
using System.Threading;
using System.Threading.Tasks;
using System.Xml;
using System.Xml.Linq;
using Amazon.Runtime;

namespace FinBackup.Aws.Protocol
{
    /// <summary>
    /// The AWS REST-XML protocol (Route 53...): method + URI, XML request body, XML response;
    /// errors as &lt;ErrorResponse&gt;&lt;Error&gt;&lt;Code/&gt;&lt;Message/&gt;&lt;/Error&gt;&lt;RequestId/&gt;.
    /// </summary>
    public class RestXmlProtocolClient : AwsProtocolClient
    {
        public RestXmlProtocolClient(AWSCredentials credentials, AwsServiceEndpoint endpoint, AwsRetryOptions retry = null, HttpClient http = null)
            : base(credentials, endpoint, retry, http)
        {
        }

        /// <summary>Send; returns the response's root element (namespaces removed), or null for an empty body.</summary>
        public async Task<XElement> SendAsync(string operation, HttpMethod method, string path, string query, XElement body,
            CancellationToken cancellationToken)
        {
            var request = new AwsRequest(operation, method, path, query);
            if (body != null)
            {
                request.Body = Encoding.UTF8.GetBytes(body.ToString(SaveOptions.DisableFormatting));
                request.ContentType = "application/xml";
            }
            var response = await SendAsync(request, cancellationToken).ConfigureAwait(false);
            return response.Body.Length == 0 ? null : XmlReading.Parse(response.BodyText);
        }

        protected override AwsErrorInfo ParseError(AwsResponse response)
        {
            try
            {
                var root = XmlReading.Parse(response.BodyText);
                var error = root.Name.LocalName == "Error" ? root : root.Child("Error");
                return new AwsErrorInfo(error?.Text("Code"), error?.Text("Message"), root.Text("RequestId") ?? error?.Text("RequestId"));
            }
            catch (XmlException)
            {
                return new AwsErrorInfo(null, QueryProtocolClient.Truncate(response.BodyText), null);
            }
        }
    }
}
