using System.Text;

namespace ConstrainedDecoding.OnnxRuntime.Text;

/// <summary>
/// Turns token bytes into text without ever splitting a character: bytes of an incomplete UTF-8 sequence are held
/// until its last byte arrives (a token may end in the middle of a character).
/// </summary>
internal sealed class Utf8TextStream
{
    private readonly Decoder _decoder = new UTF8Encoding(encoderShouldEmitUTF8Identifier: false, throwOnInvalidBytes: false).GetDecoder();
    private readonly StringBuilder _pending = new();
    private readonly StringBuilder _all = new();
    private char[] _chars = new char[64];

    /// <summary>Adds a token's bytes; complete characters become pending text.</summary>
    public void Append(ReadOnlySpan<byte> bytes) => Decode(bytes, flush: false);

    /// <summary>Ends the stream: an incomplete trailing sequence becomes U+FFFD.</summary>
    public void Complete() => Decode([], flush: true);

    /// <summary>All the text so far.</summary>
    public string Text => _all.ToString();

    /// <summary>Text completed since the last call (possibly empty).</summary>
    public string TakePending()
    {
        if (_pending.Length == 0) return "";
        string text = _pending.ToString();
        _pending.Clear();
        return text;
    }

    private void Decode(ReadOnlySpan<byte> bytes, bool flush)
    {
        int needed = _decoder.GetCharCount(bytes, flush);
        if (needed > _chars.Length) _chars = new char[Math.Max(needed, _chars.Length * 2)];
        int count = _decoder.GetChars(bytes, _chars, flush);
        _pending.Append(_chars, 0, count);
        _all.Append(_chars, 0, count);
    }
}
