namespace ConstrainedDecoding.Tokenizers;

/// <summary>
/// Special tokens that end a document or a chat turn in common model families. A tokenizer's
/// configuration often names only one end token (Llama 3: <c>&lt;|end_of_text|&gt;</c>; Phi-3:
/// <c>&lt;|endoftext|&gt;</c>) while the instruction-tuned model ends its turns with another
/// (<c>&lt;|eot_id|&gt;</c>, <c>&lt;|end|&gt;</c>), so these are stop tokens by default too.
/// </summary>
public static class WellKnownStopTokens
{
    /// <summary>
    /// <c>&lt;|endoftext|&gt;</c> (GPT-2, Qwen, Phi-3, tiktoken), <c>&lt;/s&gt;</c> (Llama 2, Mistral),
    /// <c>&lt;|end_of_text|&gt;</c>, <c>&lt;|eot_id|&gt;</c> and <c>&lt;|eom_id|&gt;</c> (Llama 3),
    /// <c>&lt;|im_end|&gt;</c> (ChatML: Qwen), <c>&lt;|end|&gt;</c> (Phi-3), <c>&lt;end_of_turn&gt;</c> (Gemma).
    /// </summary>
    public static IReadOnlyList<string> Names { get; } =
    [
        "<|endoftext|>", "</s>", "<|end_of_text|>", "<|eot_id|>", "<|eom_id|>", "<|im_end|>", "<|end|>", "<end_of_turn>",
    ];

    /// <summary>Whether <paramref name="token"/> is one of <see cref="Names"/>.</summary>
    public static bool Contains(string token) => Names.Contains(token, StringComparer.Ordinal);
}
