using System.Globalization;

namespace ConstrainedDecoding.Bench.Asap;

/// <summary>
/// The <c>asap-e2e</c> figure: on the left KL(empirical ‖ target) against samples (log scale) for plain constrained
/// decoding and ASAp; on the right the final output distribution per string, beside the exact target.
/// </summary>
internal static class AsapPlot
{
    private static readonly (byte, byte, byte) Ink = (30, 30, 30);
    private static readonly (byte, byte, byte) Grid = (225, 225, 225);
    private static readonly (byte, byte, byte) TargetColour = (150, 150, 150);
    private static readonly (byte, byte, byte) GcdColour = (214, 64, 48);
    private static readonly (byte, byte, byte) AsapColour = (40, 96, 200);

    public static void Write(string path, IReadOnlyList<int> checkpoints, IReadOnlyList<double> gcd, IReadOnlyList<double> asap,
        IReadOnlyList<(string Label, double Target, double Gcd, double Asap)> outputs)
    {
        var canvas = new PlotCanvas(1100, 480);
        Legend(canvas, 300, 12);
        DrawCurves(canvas, new Rect(70, 60, 480, 400), checkpoints, gcd, asap);
        DrawBars(canvas, new Rect(620, 60, 1070, 400), outputs, checkpoints[^1]);
        string? folder = Path.GetDirectoryName(Path.GetFullPath(path));
        if (folder is not null) Directory.CreateDirectory(folder);
        File.WriteAllBytes(path, canvas.ToPng());
    }

    private readonly record struct Rect(int Left, int Top, int Right, int Bottom)
    {
        public int Width => Right - Left;

        public int Height => Bottom - Top;
    }

    private static void Legend(PlotCanvas c, int x, int y)
    {
        foreach (var (label, colour) in new[] { ("exact target", TargetColour), ("plain constrained decoding", GcdColour), ("ASAp", AsapColour) })
        {
            c.FillRect(x, y + 2, x + 14, y + 12, colour);
            c.Text(x + 20, y + 1, label, Ink, 2);
            x += 20 + PlotCanvas.TextWidth(label, 2) + 30;
        }
    }

    private static void DrawCurves(PlotCanvas c, Rect r, IReadOnlyList<int> xs, IReadOnlyList<double> gcd, IReadOnlyList<double> asap)
    {
        c.Text(r.Left, r.Top - 22, "KL(empirical || target), nats", Ink, 2);
        double yMax = NiceCeiling(Math.Max(gcd.Max(), asap.Max()));
        double lx0 = Math.Log10(xs[0]), lx1 = Math.Log10(Math.Max(xs[^1], xs[0] * 10));
        double X(double n) => r.Left + ((Math.Log10(n) - lx0) / (lx1 - lx0) * r.Width);
        double Y(double v) => r.Bottom - (v / yMax * r.Height);
        for (int k = 0; k <= 5; k++)
        {
            double v = yMax * k / 5;
            int y = (int)Y(v);
            c.Line(r.Left, y, r.Right, y, Grid);
            string label = v.ToString(v >= 10 ? "F0" : "F2", CultureInfo.InvariantCulture);
            c.Text(r.Left - 8 - PlotCanvas.TextWidth(label, 2), y - 7, label, Ink, 2);
        }
        for (long decade = 1; decade <= xs[^1] * 10L; decade *= 10)
        {
            if (decade < xs[0] || decade > xs[^1]) continue;
            int x = (int)X(decade);
            c.Line(x, r.Top, x, r.Bottom, Grid);
            string label = decade.ToString(CultureInfo.InvariantCulture);
            c.Text(x - (PlotCanvas.TextWidth(label, 2) / 2), r.Bottom + 8, label, Ink, 2);
        }
        c.Text(r.Left + (r.Width / 2) - 40, r.Bottom + 30, "samples", Ink, 2);
        c.Line(r.Left, r.Top, r.Left, r.Bottom, Ink, 2);
        c.Line(r.Left, r.Bottom, r.Right, r.Bottom, Ink, 2);
        foreach (var (values, colour) in new[] { (gcd, GcdColour), (asap, AsapColour) })
        {
            for (int k = 0; k < xs.Count; k++)
            {
                double x = X(xs[k]), y = Y(values[k]);
                c.FillRect((int)x - 3, (int)y - 3, (int)x + 3, (int)y + 3, colour);
                if (k > 0) c.Line(X(xs[k - 1]), Y(values[k - 1]), x, y, colour, 3);
            }
        }
    }

    private static void DrawBars(PlotCanvas c, Rect r, IReadOnlyList<(string Label, double Target, double Gcd, double Asap)> outputs, int samples)
    {
        c.Text(r.Left, r.Top - 22, $"outputs after {samples} samples", Ink, 2);
        double yMax = NiceCeiling(outputs.Max(o => Math.Max(o.Target, Math.Max(o.Gcd, o.Asap))));
        double Y(double v) => r.Bottom - (v / yMax * r.Height);
        for (int k = 0; k <= 5; k++)
        {
            double v = yMax * k / 5;
            int y = (int)Y(v);
            c.Line(r.Left, y, r.Right, y, Grid);
            string label = v.ToString("F2", CultureInfo.InvariantCulture);
            c.Text(r.Left - 8 - PlotCanvas.TextWidth(label, 2), y - 7, label, Ink, 2);
        }
        int groups = outputs.Count;
        double groupWidth = (double)r.Width / groups;
        int bar = Math.Max(2, (int)(groupWidth * 0.8 / 3));
        for (int g = 0; g < groups; g++)
        {
            var o = outputs[g];
            int x = r.Left + (int)(g * groupWidth) + (int)((groupWidth - (3 * bar)) / 2);
            foreach (var (v, colour) in new[] { (o.Target, TargetColour), (o.Gcd, GcdColour), (o.Asap, AsapColour) })
            {
                c.FillRect(x, (int)Y(v), x + bar - 2, r.Bottom, colour);
                x += bar;
            }
            string label = o.Label;
            int scale = PlotCanvas.TextWidth(label, 2) <= groupWidth - 2 ? 2 : 1;
            c.Text(r.Left + (int)((g + 0.5) * groupWidth) - (PlotCanvas.TextWidth(label, scale) / 2), r.Bottom + 8, label, Ink, scale);
        }
        c.Line(r.Left, r.Top, r.Left, r.Bottom, Ink, 2);
        c.Line(r.Left, r.Bottom, r.Right, r.Bottom, Ink, 2);
    }

    private static double NiceCeiling(double v)
    {
        if (!(v > 0)) return 1;
        double p = Math.Pow(10, Math.Floor(Math.Log10(v)));
        foreach (double m in new[] { 1, 2, 2.5, 5, 10 })
        {
            if (m * p >= v) return m * p;
        }
        return 10 * p;
    }
}
