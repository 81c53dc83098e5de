using System.Text.Json;
using ConstrainedDecoding.Matching;
using ConstrainedDecoding.OnnxRuntime.Generation;
using Microsoft.Extensions.AI;

namespace ConstrainedDecoding.OnnxRuntime.Chat;

/// <summary>Settings of a <see cref="ConstrainedChatClient"/>.</summary>
public sealed record ConstrainedChatClientOptions
{
    /// <summary>
    /// Turns the conversation into the model's prompt (its chat template). Null joins the messages' text with new
    /// lines, which suits base models like the embedded tiny one; chat models need their own template here.
    /// </summary>
    public Func<IEnumerable<ChatMessage>, string>? PromptFormatter { get; init; }

    /// <summary>
    /// Compiles a JSON Schema (from <see cref="ChatResponseFormatJson.Schema"/>) into a grammar for the generator's
    /// vocabulary. Null uses <see cref="ConstrainedGenerator.CompileJsonSchema(JsonElement, JsonSchema.JsonSchemaOptions?)"/>
    /// with the default options, which refuses (fails closed on) keywords it cannot enforce exactly rather than loosening them.
    /// </summary>
    public Func<JsonElement, CompiledGrammar>? SchemaGrammarFactory { get; init; }

    /// <summary>Settings used where <see cref="ChatOptions"/> says nothing (defaults: greedy, 256 tokens).</summary>
    public GenerationOptions DefaultGenerationOptions { get; init; } = new();

    /// <summary>Whether disposing the client disposes the generator.</summary>
    public bool DisposeGenerator { get; init; }

    /// <summary>Model id reported in responses; null uses the model folder's name.</summary>
    public string? ModelId { get; init; }
}
