using System;
using System.Buffers;
using System.IO;
using System.Net;
using System.Net.Http;
using System.Threading.Tasks;

namespace FinBackup.Aws.Protocol
{
    /// <summary>
    /// An <see cref="AwsRequest.BodyStream"/> on the wire: exactly its length, copied from the stream's start (each time it is
    /// sent), the stream left open (the caller owns it; a retried attempt sends it again). A failure to read the stream is kept apart from the
    /// connection's: <see cref="Failure"/> is the body's own exception (a file that changed or could not be read), which is
    /// not retried as a lost connection.
    /// </summary>
    internal sealed class StreamedRequestBody : HttpContent
    {
        private const int CopyBufferSize = 64 << 10;
        private readonly Stream _source;
        private readonly long _length;

        public StreamedRequestBody(Stream source, long length)
        {
            _source = source;
            _length = length;
        }

        /// <summary>What reading the body threw (it ended early, changed, or the disk failed), or null.</summary>
        public Exception Failure { get; private set; }

        protected override async Task SerializeToStreamAsync(Stream stream, TransportContext context)
        {
            var buffer = ArrayPool<byte>.Shared.Rent(CopyBufferSize);
            try
            {
                // From the start every time it is sent: the handler may send a request again on a new connection when a
                // pooled one turned out to be closed.
                try
                {
                    _source.Position = 0;
                }
                catch (Exception ex)
                {
                    Failure = ex;
                    throw;
                }
                var left = _length;
                while (left > 0)
                {
                    int n;
                    try
                    {
                        n = _source.Read(buffer, 0, (int)Math.Min(CopyBufferSize, left));
                        if (n <= 0) throw new EndOfStreamException($"The request body ended {left} bytes before its length ({_length}).");
                    }
                    catch (Exception ex)
                    {
                        Failure = ex;
                        throw;
                    }
                    await stream.WriteAsync(buffer, 0, n).ConfigureAwait(false);
                    left -= n;
                }
            }
            finally
            {
                ArrayPool<byte>.Shared.Return(buffer);
            }
        }

        protected override bool TryComputeLength(out long length)
        {
            length = _length;
            return true;
        }

        // The stream is the caller's: not disposed with the request message.
        protected override void Dispose(bool disposing) => base.Dispose(false);
    }

    /// <summary>The request's body could not be read (<see cref="Exception.InnerException"/> says why): not a service or connection error, not retried.</summary>
    public sealed class AwsRequestBodyException : Exception
    {
        public AwsRequestBodyException(Exception inner) : base("The request body could not be read: " + inner.Message, inner) { }
    }
}
