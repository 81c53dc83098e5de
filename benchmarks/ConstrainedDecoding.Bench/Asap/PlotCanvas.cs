namespace ConstrainedDecoding.Bench.Asap;

/// <summary>An RGB raster with the few primitives a chart needs: rectangles, thick lines, and 5×7 text.</summary>
internal sealed class PlotCanvas(int width, int height)
{
    private readonly byte[] _rgb = CreateWhite(width, height);

    public int Width { get; } = width;

    public int Height { get; } = height;

    public byte[] ToPng() => PngEncoder.Encode(Width, Height, _rgb);

    public void Set(int x, int y, (byte R, byte G, byte B) c)
    {
        if ((uint)x >= (uint)Width || (uint)y >= (uint)Height) return;
        int i = ((y * Width) + x) * 3;
        _rgb[i] = c.R;
        _rgb[i + 1] = c.G;
        _rgb[i + 2] = c.B;
    }

    public void FillRect(int x0, int y0, int x1, int y1, (byte, byte, byte) c)
    {
        for (int y = Math.Min(y0, y1); y <= Math.Max(y0, y1); y++)
        {
            for (int x = Math.Min(x0, x1); x <= Math.Max(x0, x1); x++) Set(x, y, c);
        }
    }

    /// <summary>A line <paramref name="thickness"/> pixels wide (a square brush along Bresenham's path).</summary>
    public void Line(double x0, double y0, double x1, double y1, (byte, byte, byte) c, int thickness = 1)
    {
        int ax = (int)Math.Round(x0), ay = (int)Math.Round(y0), bx = (int)Math.Round(x1), by = (int)Math.Round(y1);
        int dx = Math.Abs(bx - ax), dy = -Math.Abs(by - ay), sx = ax < bx ? 1 : -1, sy = ay < by ? 1 : -1, err = dx + dy;
        int half = thickness / 2;
        while (true)
        {
            FillRect(ax - half, ay - half, ax - half + thickness - 1, ay - half + thickness - 1, c);
            if (ax == bx && ay == by) break;
            int e2 = 2 * err;
            if (e2 >= dy) { err += dy; ax += sx; }
            if (e2 <= dx) { err += dx; ay += sy; }
        }
    }

    /// <summary>Text in the built-in 5×7 font (upper case; unknown characters draw as blanks), scaled by <paramref name="scale"/>.</summary>
    public void Text(int x, int y, string text, (byte, byte, byte) c, int scale = 1)
    {
        foreach (char ch in text)
        {
            var rows = PlotFont.Glyph(ch);
            for (int r = 0; r < rows.Length; r++)
            {
                for (int k = 0; k < 5; k++)
                {
                    if (rows[r][k] != '#') continue;
                    FillRect(x + (k * scale), y + (r * scale), x + (k * scale) + scale - 1, y + (r * scale) + scale - 1, c);
                }
            }
            x += 6 * scale;
        }
    }

    public static int TextWidth(string text, int scale = 1) => text.Length * 6 * scale;

    private static byte[] CreateWhite(int width, int height)
    {
        var rgb = new byte[width * height * 3];
        Array.Fill(rgb, (byte)255);
        return rgb;
    }
}
