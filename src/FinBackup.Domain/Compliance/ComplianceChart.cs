using System;
using System.Collections.Generic;
using System.Globalization;
using System.Linq;
using System.Text;
using FinBackup.Domain.Policy;

namespace FinBackup.Domain.Compliance
{
    /// <summary>
    /// Draws one application's chart as inline SVG: per region, the time since its newest point over the period (a sawtooth
    /// that drops at every point), the RPO as a dashed line, and one mark per point below the plot. No script, no font files.
    /// </summary>
    public static class ComplianceChart
    {
        private const double Width = 720, Left = 52, Right = 12, Top = 12, PlotHeight = 150, RowHeight = 16;
        private static readonly string[] Colors = { "#0969da", "#bc4c00", "#6639ba", "#1a7f37" };

        public static string Svg(ComplianceEvidence e, ApplicationPolicy app, IReadOnlyList<TimelineSeries> series)
        {
            var plotW = Width - Left - Right;
            var rowsTop = Top + PlotHeight + 8;
            var axisY = rowsTop + RowHeight * series.Count + 4;
            var height = axisY + 34;
            var span = Math.Max(1, (e.To - e.From).TotalSeconds);
            double X(DateTime t) => Left + plotW * Math.Max(0, Math.Min(1, (t - e.From).TotalSeconds / span));

            var maxExposure = series.SelectMany(s => s.Exposure).Where(x => x.Value != null).Select(x => x.Value.Value.TotalSeconds).DefaultIfEmpty(0).Max();
            var rpo = app.Rpo?.TotalSeconds;
            var yMax = rpo is double r ? Math.Min(Math.Max(r * 1.5, maxExposure * 1.05), r * 4) : Math.Max(3600, maxExposure * 1.05);
            yMax = Math.Max(yMax, 60);
            double Y(double seconds) => Top + PlotHeight * (1 - Math.Min(1, seconds / yMax));

            var sb = new StringBuilder();
            sb.Append("<svg xmlns=\"http://www.w3.org/2000/svg\" viewBox=\"0 0 ").Append(N(Width)).Append(' ').Append(N(height))
              .Append("\" role=\"img\" aria-label=\"Recovery points of ").Append(ComplianceReportWriter.H(app.Name)).Append(" over time\" font-family=\"DejaVu Sans, Arial, sans-serif\" font-size=\"10\">\n");
            sb.Append("<rect x=\"").Append(N(Left)).Append("\" y=\"").Append(N(Top)).Append("\" width=\"").Append(N(plotW)).Append("\" height=\"").Append(N(PlotHeight))
              .Append("\" fill=\"#f6f8fa\" stroke=\"#afb8c1\"/>\n");

            // Y axis: 0, half, full (as durations).
            foreach (var frac in new[] { 0.0, 0.5, 1.0 })
            {
                var v = yMax * frac;
                sb.Append("<text x=\"").Append(N(Left - 4)).Append("\" y=\"").Append(N(Y(v) + 3)).Append("\" text-anchor=\"end\" fill=\"#424a53\">")
                  .Append(ComplianceText.Dur(TimeSpan.FromSeconds(Math.Round(v / 60) * 60))).Append("</text>\n");
            }
            // X axis ticks.
            const int ticks = 6;
            for (int i = 0; i <= ticks; i++)
            {
                var t = e.From + TimeSpan.FromSeconds(span * i / ticks);
                var x = X(t);
                sb.Append("<line x1=\"").Append(N(x)).Append("\" y1=\"").Append(N(Top)).Append("\" x2=\"").Append(N(x)).Append("\" y2=\"").Append(N(axisY))
                  .Append("\" stroke=\"#d0d7de\" stroke-width=\"0.5\"/>\n");
                sb.Append("<text x=\"").Append(N(x)).Append("\" y=\"").Append(N(axisY + 11)).Append("\" text-anchor=\"").Append(i == 0 ? "start" : i == ticks ? "end" : "middle")
                  .Append("\" fill=\"#424a53\">").Append(t.ToString("MM-dd HH:mm", CultureInfo.InvariantCulture)).Append("</text>\n");
            }
            // RPO line.
            if (rpo is double rp)
            {
                sb.Append("<line class=\"rpo\" x1=\"").Append(N(Left)).Append("\" y1=\"").Append(N(Y(rp))).Append("\" x2=\"").Append(N(Left + plotW)).Append("\" y2=\"").Append(N(Y(rp)))
                  .Append("\" stroke=\"#cf222e\" stroke-width=\"1.5\" stroke-dasharray=\"6 4\"/>\n");
                sb.Append("<text x=\"").Append(N(Left + plotW - 2)).Append("\" y=\"").Append(N(Y(rp) - 3)).Append("\" text-anchor=\"end\" fill=\"#cf222e\">RPO ")
                  .Append(ComplianceText.Dur(app.Rpo.Value)).Append("</text>\n");
            }
            // Exposure lines and point marks per region.
            for (int si = 0; si < series.Count; si++)
            {
                var s = series[si];
                var color = Colors[si % Colors.Length];
                var segment = new List<string>();
                void Flush()
                {
                    if (segment.Count > 1)
                        sb.Append("<polyline class=\"exposure\" fill=\"none\" stroke=\"").Append(color).Append("\" stroke-width=\"1.5\" points=\"").Append(string.Join(" ", segment)).Append("\"/>\n");
                    segment.Clear();
                }
                foreach (var sample in s.Exposure)
                {
                    if (sample.Value == null) { Flush(); continue; }
                    segment.Add(N(X(sample.Key)) + "," + N(Y(sample.Value.Value.TotalSeconds)));
                }
                Flush();
                var rowY = rowsTop + RowHeight * si + RowHeight / 2;
                sb.Append("<text x=\"").Append(N(Left - 4)).Append("\" y=\"").Append(N(rowY + 3)).Append("\" text-anchor=\"end\" fill=\"").Append(color).Append("\">")
                  .Append(ComplianceReportWriter.H(s.Region)).Append("</text>\n");
                sb.Append("<line x1=\"").Append(N(Left)).Append("\" y1=\"").Append(N(rowY)).Append("\" x2=\"").Append(N(Left + plotW)).Append("\" y2=\"").Append(N(rowY))
                  .Append("\" stroke=\"").Append(color).Append("\" stroke-width=\"0.5\" stroke-opacity=\"0.5\"/>\n");
                foreach (var p in s.Points.Where(p => p.CreatedAt >= e.From && p.CreatedAt <= e.To))
                {
                    sb.Append("<circle class=\"point\" cx=\"").Append(N(X(p.CreatedAt))).Append("\" cy=\"").Append(N(rowY)).Append("\" r=\"3\" stroke=\"").Append(color)
                      .Append("\" fill=\"").Append(p.Deleted ? "#ffffff" : color).Append("\"><title>").Append(ComplianceReportWriter.H(p.RecoveryPointId)).Append(' ')
                      .Append(p.Kind).Append(' ').Append(ComplianceText.Iso(p.CreatedAt)).Append(p.Deleted ? " (deleted)" : string.Empty).Append("</title></circle>\n");
                }
            }
            // Legend.
            var ly = axisY + 26;
            double lx = Left;
            for (int si = 0; si < series.Count; si++)
            {
                var s = series[si];
                var held = s.Points.Count(p => !p.Deleted && p.CreatedAt >= e.From && p.CreatedAt <= e.To);
                var deleted = s.Points.Count(p => p.Deleted && p.CreatedAt >= e.From && p.CreatedAt <= e.To);
                var label = $"{s.Region} ({(string.Equals(s.Region, e.Policy.PrimaryRegion, StringComparison.OrdinalIgnoreCase) ? "primary" : "DR")}): {held} held, {deleted} deleted in period";
                sb.Append("<rect x=\"").Append(N(lx)).Append("\" y=\"").Append(N(ly - 7)).Append("\" width=\"10\" height=\"3\" fill=\"").Append(Colors[si % Colors.Length]).Append("\"/>\n");
                sb.Append("<text x=\"").Append(N(lx + 14)).Append("\" y=\"").Append(N(ly - 3)).Append("\" fill=\"#1b1f24\">").Append(ComplianceReportWriter.H(label)).Append("</text>\n");
                lx += 300;
            }
            sb.Append("</svg>\n");
            return sb.ToString();
        }

        private static string N(double d) => d.ToString("0.#", CultureInfo.InvariantCulture);
    }
}
