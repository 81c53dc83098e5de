namespace ConstrainedDecoding.Tokenizers;

/// <summary>How a tokenizer spells token bytes in its vocabulary.</summary>
public enum TokenizerKind
{
    /// <summary>
    /// Byte-level BPE (GPT-2, Llama 3, Qwen): each byte is written as one character of the GPT-2
    /// byte-to-unicode alphabet (<c>Ġ</c> = space, <c>Ċ</c> = newline).
    /// </summary>
    ByteLevel,

    /// <summary>
    /// SentencePiece-style BPE (Llama 2, Mistral, Phi-3): pieces are UTF-8 text with <c>▁</c> (U+2581)
    /// standing for a space, and byte-fallback pieces <c>&lt;0xNN&gt;</c> standing for one raw byte.
    /// </summary>
    SentencePiece,

    /// <summary>tiktoken rank files: every token is stored as its raw bytes.</summary>
    Tiktoken,
}
