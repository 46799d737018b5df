using System;
using System.Threading;
using Amazon.SimpleSystemsManagement;
using Amazon.SimpleSystemsManagement.Model;
using FinBackup.Aws.Protocol;
using FinBackup.Domain.Ports;

namespace FinBackup.Aws.Unattended
{
    /// <summary>SSM Command documents through the AWS SDK (CreateDocument, UpdateDocument + UpdateDocumentDefaultVersion, GetDocument).</summary>
    [Gateway(typeof(ISsmDocumentGateway))]
    public sealed class SsmDocumentGateway : ISsmDocumentGateway
    {
        private readonly IAmazonSimpleSystemsManagement _ssm;

        public SsmDocumentGateway(AwsClientContext context, string region)
        {
            _ssm = context.Ssm(context.Region(region));
        }

        public SsmDocumentInfo Get(string name, CancellationToken cancellationToken)
        {
            try
            {
                var d = _ssm.DescribeDocumentAsync(new DescribeDocumentRequest { Name = name }, cancellationToken).GetAwaiter().GetResult().Document;
                var content = _ssm.GetDocumentAsync(new GetDocumentRequest { Name = name, DocumentVersion = d.DefaultVersion }, cancellationToken).GetAwaiter().GetResult();
                return new SsmDocumentInfo { Name = name, DefaultVersion = d.DefaultVersion, LatestVersion = d.LatestVersion, Content = content.Content };
            }
            catch (AmazonSimpleSystemsManagementException ex) when (ex.ErrorCode == "InvalidDocument")
            {
                return null;
            }
            catch (Exception ex) when (AwsSdkErrorTranslator.CanTranslate(ex))
            {
                throw AwsSdkErrorTranslator.Translate(ex, "ssm", "DescribeDocument");
            }
        }

        public string Create(string name, string content, CancellationToken cancellationToken)
        {
            try
            {
                var r = _ssm.CreateDocumentAsync(new CreateDocumentRequest
                {
                    Name = name,
                    Content = content,
                    DocumentType = DocumentType.Command,
                    DocumentFormat = DocumentFormat.JSON,
                    Tags = new System.Collections.Generic.List<Tag> { new Tag { Key = Domain.FinTags.ManagedBy, Value = Domain.FinTags.ManagedByValue } },
                }, cancellationToken).GetAwaiter().GetResult();
                return r.DocumentDescription?.DocumentVersion;
            }
            catch (Exception ex) when (AwsSdkErrorTranslator.CanTranslate(ex))
            {
                throw AwsSdkErrorTranslator.Translate(ex, "ssm", "CreateDocument");
            }
        }

        /// <summary>The version (newest first) whose content is <paramref name="content"/>; versions are numbered 1..LatestVersion.</summary>
        private string VersionWithContent(string name, string content, CancellationToken ct)
        {
            var latest = _ssm.DescribeDocumentAsync(new DescribeDocumentRequest { Name = name }, ct).GetAwaiter().GetResult().Document.LatestVersion;
            if (!int.TryParse(latest, out var n)) return null;
            for (var v = n; v >= 1; v--)
            {
                var version = v.ToString(System.Globalization.CultureInfo.InvariantCulture);
                try
                {
                    var d = _ssm.GetDocumentAsync(new GetDocumentRequest { Name = name, DocumentVersion = version }, ct).GetAwaiter().GetResult();
                    if (string.Equals((d.Content ?? string.Empty).Trim(), content.Trim(), StringComparison.Ordinal)) return version;
                }
                catch (AmazonSimpleSystemsManagementException ex) when (ex.ErrorCode == "InvalidDocumentVersion" || ex.ErrorCode == "InvalidDocument")
                {
                }
            }
            return null;
        }

        public string Update(string name, string content, CancellationToken cancellationToken)
        {
            try
            {
                string version;
                try
                {
                    var r = _ssm.UpdateDocumentAsync(new UpdateDocumentRequest
                    {
                        Name = name,
                        Content = content,
                        DocumentFormat = DocumentFormat.JSON,
                        DocumentVersion = "$LATEST",
                    }, cancellationToken).GetAwaiter().GetResult();
                    version = r.DocumentDescription?.DocumentVersion;
                }
                catch (AmazonSimpleSystemsManagementException ex) when (ex.ErrorCode == "DuplicateDocumentContent")
                {
                    // An older version already has this content (the default was moved away from it): make that one the default again.
                    version = VersionWithContent(name, content, cancellationToken) ?? throw ex;
                }
                _ssm.UpdateDocumentDefaultVersionAsync(new UpdateDocumentDefaultVersionRequest { Name = name, DocumentVersion = version }, cancellationToken)
                    .GetAwaiter().GetResult();
                return version;
            }
            catch (Exception ex) when (AwsSdkErrorTranslator.CanTranslate(ex))
            {
                throw AwsSdkErrorTranslator.Translate(ex, "ssm", "UpdateDocument");
            }
        }
    }
}
