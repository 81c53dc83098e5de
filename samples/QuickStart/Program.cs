// QuickStart: constrained JSON decoding with a real (tiny) model, no download needed.
//
//   dotnet run --project samples/QuickStart [-- --temperature 1.0 --seed 4 --max-tokens 256 --prompt "{\"name\":"]
//
// 1. Load the tokenizer's vocabulary (token id -> raw bytes) and compile grammars/json.lark against it.
// 2. Load tiny-json-gpt2 (a 7M-parameter demo model trained on JSON) with ONNX Runtime on the CPU.
// 3. Decode twice with the same settings: once free, once with the grammar masking the logits each step.
//    The free output may or may not parse (with the default seed it does not); the constrained one is
//    always a prefix of a JSON text, and valid JSON whenever the model ends it within the token budget.
using System.Diagnostics;
using System.Globalization;
using System.Text;
using System.Text.Json;
using ConstrainedDecoding.Matching;
using ConstrainedDecoding.Tokenizers.HuggingFace;
using ConstrainedDecoding.Vocabulary;
using QuickStart;

string prompt = "{\n  \"name\":";
float temperature = 1.0f; // 0 = greedy
int seed = 4, maxTokens = 256;
for (int i = 0; i + 1 < args.Length; i += 2)
{
    switch (args[i])
    {
        case "--prompt": prompt = args[i + 1]; break;
        case "--temperature": temperature = float.Parse(args[i + 1], CultureInfo.InvariantCulture); break;
        case "--seed": seed = int.Parse(args[i + 1], CultureInfo.InvariantCulture); break;
        case "--max-tokens": maxTokens = int.Parse(args[i + 1], CultureInfo.InvariantCulture); break;
        default: Console.Error.WriteLine($"unknown option {args[i]}"); return 1;
    }
}

// The files are copied beside the executable by QuickStart.csproj.
string baseDir = AppContext.BaseDirectory;
var clock = Stopwatch.StartNew();
TokenVocabulary vocabulary = HuggingFaceVocabulary.Load(Path.Combine(baseDir, "models", "tiny-json-gpt2", "tokenizer.json"));
Console.WriteLine($"vocabulary: {vocabulary}, stop ids [{string.Join(", ", vocabulary.StopTokenIds)}] ({clock.ElapsedMilliseconds} ms)");

clock.Restart();
CompiledGrammar json = new GrammarCompiler(vocabulary).CompileLark(File.ReadAllText(Path.Combine(baseDir, "grammars", "json.lark")));
Console.WriteLine($"grammar: json.lark compiled ({clock.ElapsedMilliseconds} ms)");

clock.Restart();
using var model = new OnnxDecoder(Path.Combine(baseDir, "models", "tiny-json-gpt2", "model.onnx"));
Console.WriteLine($"model: tiny-json-gpt2, {model.CacheTensorCount} cache tensors, logits width {model.VocabularySize} ({clock.ElapsedMilliseconds} ms)");

// The model was trained with <|endoftext|> (50256) before each document.
int[] promptIds = [50256, .. GreedyEncode(vocabulary, prompt)];
Console.WriteLine($"prompt: {prompt.ReplaceLineEndings("\\n")} -> [{string.Join(", ", promptIds)}]");

Console.WriteLine();
Console.WriteLine($"--- unconstrained (temperature {temperature}, seed {seed}) ---");
string free = Generate(matcher: null);
Report(prompt + free);

Console.WriteLine();
Console.WriteLine($"--- constrained by json.lark (temperature {temperature}, seed {seed}) ---");
GrammarMatcher matcher = json.CreateMatcher();
if (!matcher.TryAcceptString(prompt)) // the grammar covers the whole document, so feed it the prompt first
{
    Console.WriteLine("the prompt is not the start of a JSON text");
    return 1;
}
string constrained = Generate(matcher);
Report(prompt + constrained);
return 0;

// One decode: prefill the prompt, then one token per step through the KV cache.
string Generate(GrammarMatcher? matcher)
{
    var random = new Random(seed);
    var mask = new uint[vocabulary.MaskWordCount];
    var text = new StringBuilder();
    Decoder utf8 = Encoding.UTF8.GetDecoder(); // keeps an incomplete UTF-8 sequence until its last byte arrives
    var chars = new char[64];
    TimeSpan maskTime = TimeSpan.Zero, firstMask = TimeSpan.Zero;
    int generated = 0;

    Console.Write(prompt);
    model.Reset();
    var clock = Stopwatch.StartNew();
    float[] logits = model.Forward(promptIds);
    TimeSpan prefill = clock.Elapsed;
    clock.Restart();
    for (; generated < maxTokens; generated++)
    {
        if (matcher is not null)
        {
            long start = Stopwatch.GetTimestamp();
            matcher.FillNextTokenMask(mask);
            ApplyMask(logits, mask);
            TimeSpan elapsed = Stopwatch.GetElapsedTime(start);
            maskTime += elapsed;
            firstMask = generated == 0 ? elapsed : firstMask;
        }
        int token = temperature <= 0 ? ArgMax(logits) : Sample(logits, temperature, random);
        if (matcher is not null && !matcher.TryAcceptToken(token))
        {
            throw new InvalidOperationException($"token {token} was allowed by the mask but not accepted");
        }
        if (vocabulary.IsStop(token))
        {
            break;
        }
        byte[] bytes = vocabulary.GetTokenBytes(token).ToArray();
        int n = utf8.GetChars(bytes, 0, bytes.Length, chars, 0, flush: false);
        Console.Write(chars, 0, n);
        text.Append(chars, 0, n);
        logits = model.Forward([token]);
    }
    TimeSpan decode = clock.Elapsed;
    Console.WriteLine();
    Console.WriteLine(generated >= maxTokens ? $"[stopped: {maxTokens} tokens]" : "[stopped: end of text]");
    Console.WriteLine($"prefill {promptIds.Length} tokens: {prefill.TotalMilliseconds:F1} ms; " +
        $"{generated} tokens in {decode.TotalMilliseconds:F0} ms = {generated / decode.TotalSeconds:F0} tokens/s" +
        (matcher is null ? "" : $"; masks: first {firstMask.TotalMilliseconds:F1} ms (tables build lazily), then " +
        $"{(maskTime - firstMask).TotalMicroseconds / Math.Max(1, generated - 1):F0} µs/token"));
    return text.ToString();
}

static void Report(string document)
{
    try
    {
        using var parsed = JsonDocument.Parse(document);
        Console.WriteLine($"valid JSON: yes ({parsed.RootElement.ValueKind})");
    }
    catch (JsonException e)
    {
        Console.WriteLine($"valid JSON: no ({e.Message})");
    }
}

// Disallowed tokens get -inf, so neither argmax nor sampling can choose them. (A plain loop: fine for a sample.)
static void ApplyMask(float[] logits, uint[] mask)
{
    for (int i = 0; i < logits.Length; i++)
    {
        if ((mask[i >> 5] & (1u << (i & 31))) == 0)
        {
            logits[i] = float.NegativeInfinity;
        }
    }
}

static int ArgMax(float[] logits)
{
    int best = 0;
    for (int i = 1; i < logits.Length; i++)
    {
        if (logits[i] > logits[best])
        {
            best = i;
        }
    }
    return best;
}

// Softmax with temperature, then one draw from the seeded generator.
static int Sample(float[] logits, float temperature, Random random)
{
    float max = logits[ArgMax(logits)];
    double total = 0;
    var weights = new double[logits.Length];
    for (int i = 0; i < logits.Length; i++)
    {
        weights[i] = Math.Exp((logits[i] - max) / temperature); // exp(-inf) = 0 for masked tokens
        total += weights[i];
    }
    double draw = random.NextDouble() * total;
    for (int i = 0; i < weights.Length; i++)
    {
        draw -= weights[i];
        if (draw < 0 && weights[i] > 0)
        {
            return i;
        }
    }
    return ArgMax(logits);
}

// Prompt encoding by greedy longest match over the vocabulary's token bytes. Not the tokenizer's real BPE
// (which applies merges), but for short ASCII prompts like this one it gives the same or an equally valid
// spelling, which is good enough for a sample.
static List<int> GreedyEncode(TokenVocabulary vocabulary, string text)
{
    var byBytes = new Dictionary<string, int>(StringComparer.Ordinal);
    int longest = 0;
    for (int id = 0; id < vocabulary.Count; id++)
    {
        if (!vocabulary.IsSpecial(id) && !vocabulary.IsStop(id))
        {
            ReadOnlySpan<byte> bytes = vocabulary.GetTokenBytes(id);
            byBytes.TryAdd(Encoding.Latin1.GetString(bytes), id); // Latin-1 maps each byte to one char
            longest = Math.Max(longest, bytes.Length);
        }
    }
    string input = Encoding.Latin1.GetString(Encoding.UTF8.GetBytes(text));
    var ids = new List<int>();
    for (int at = 0; at < input.Length;)
    {
        for (int length = Math.Min(longest, input.Length - at); length > 0; length--)
        {
            if (byBytes.TryGetValue(input.Substring(at, length), out int id))
            {
                ids.Add(id);
                at += length;
                break;
            }
            if (length == 1)
            {
                throw new InvalidOperationException($"no token spells byte 0x{(int)input[at]:X2}");
            }
        }
    }
    return ids;
}
