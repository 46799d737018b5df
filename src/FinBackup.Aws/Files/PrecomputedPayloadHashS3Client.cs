using System;
using System.Threading.Tasks;
using Amazon.Runtime;
using Amazon.Runtime.Internal;
using Amazon.S3;

namespace FinBackup.Aws.Files
{
    /// <summary>
    /// The SDK's S3 client, with one change to its pipeline: a request that names its body's SHA-256 in
    /// x-amz-content-sha256 (FinBackup's manifest, audit and restore-plan PUTs, whose hash is known before they are sent)
    /// is signed with that hash. (Content PUTs, packs and chunks, do not use the SDK: <see cref="S3ObjectClient"/>.) The SDK's signer drops the header and reads the whole body to hash it again before sending it
    /// (for a chunk read back from its file, a second read and two more SHA-256 passes over every byte); it honours the
    /// hash when it is set as the request's precomputed payload hash, which <see cref="PrecomputedPayloadHash"/> does.
    /// S3 still checks the payload against the signed hash, and x-amz-checksum-sha256 against the bytes it stores.
    /// </summary>
    internal sealed class PrecomputedPayloadHashS3Client : AmazonS3Client
    {
        public PrecomputedPayloadHashS3Client(AWSCredentials credentials, AmazonS3Config config) : base(credentials, config) { }

        protected override void CustomizeRuntimePipeline(RuntimePipeline pipeline)
        {
            base.CustomizeRuntimePipeline(pipeline);
            pipeline.AddHandlerBefore<Signer>(new PrecomputedPayloadHash());
        }
    }

    /// <summary>
    /// Moves a request's x-amz-content-sha256 header, when it is a SHA-256 (64 hex digits), to the request's precomputed
    /// payload hash, where the signer takes it instead of hashing the body. Requests without it are left alone.
    /// </summary>
    internal sealed class PrecomputedPayloadHash : PipelineHandler
    {
        internal const string Header = "x-amz-content-sha256";

        public override void InvokeSync(IExecutionContext executionContext)
        {
            Route(executionContext.RequestContext.Request);
            base.InvokeSync(executionContext);
        }

        public override Task<T> InvokeAsync<T>(IExecutionContext executionContext)
        {
            Route(executionContext.RequestContext.Request);
            return base.InvokeAsync<T>(executionContext);
        }

        internal static void Route(IRequest request)
        {
            // The SDK's header dictionary ignores case.
            if (request == null || request.UseChunkEncoding || !request.Headers.TryGetValue(Header, out var value)) return;
            if (IsSha256Hex(value)) request.PrecomputedContentSha256 = value.ToLowerInvariant();
        }

        private static bool IsSha256Hex(string s)
        {
            if (s.Length != 64) return false;
            foreach (var c in s)
            {
                if (!((c >= '0' && c <= '9') || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F'))) return false;
            }
            return true;
        }
    }
}
