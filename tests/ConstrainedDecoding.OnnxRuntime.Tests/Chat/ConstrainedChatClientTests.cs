using System.Text.Json;
using ConstrainedDecoding.OnnxRuntime.Chat;
using Microsoft.Extensions.AI;

namespace ConstrainedDecoding.OnnxRuntime.Tests.Chat;

[Collection(TinyModelCollection.Name)]
public class ConstrainedChatClientTests(TinyModel model)
{
    // The tiny model is not a chat model: the default formatter passes the user's text through as the prompt.
    private const string Prompt = "[";

    [Fact]
    public async Task JsonResponseFormat_ReplyParses()
    {
        IChatClient client = new ConstrainedChatClient(model.Generator);
        for (int seed = 0; seed < 3; seed++)
        {
            var response = await client.GetResponseAsync(Prompt, new ChatOptions
            {
                ResponseFormat = ChatResponseFormat.Json,
                Temperature = 0.8f,
                Seed = seed,
                MaxOutputTokens = 300,
            });
            Assert.Equal(ChatFinishReason.Stop, response.FinishReason);
            using var document = JsonDocument.Parse(response.Text);
            Assert.True(response.Usage!.OutputTokenCount > 0);
        }
    }

    [Fact]
    public async Task Streaming_UpdatesConcatenateToTheReply()
    {
        IChatClient client = new ConstrainedChatClient(model.Generator);
        var options = new ChatOptions { ResponseFormat = ChatResponseFormat.Json, MaxOutputTokens = 200 };
        var updates = new List<ChatResponseUpdate>();
        await foreach (var update in client.GetStreamingResponseAsync(Prompt, options)) updates.Add(update);
        var whole = await client.GetResponseAsync(Prompt, options);
        Assert.Equal(whole.Text, string.Concat(updates.Select(u => u.Text)));
        Assert.Equal(ChatFinishReason.Stop, updates[^1].FinishReason);
    }

    [Fact]
    public async Task SchemaResponseFormat_IsCompiled_OrRefusedWhenUnsupported_AndAFactoryOverridesIt()
    {
        using var schema = JsonDocument.Parse("{\"type\": \"object\", \"properties\": {\"count\": {\"type\": \"integer\", \"minimum\": 0, \"maximum\": 99}}, \"required\": [\"count\"], \"additionalProperties\": false}");
        var options = new ChatOptions { ResponseFormat = ChatResponseFormat.ForJsonSchema(schema.RootElement, "count"), MaxOutputTokens = 60 };
        IChatClient client = new ConstrainedChatClient(model.Generator);
        var reply = await client.GetResponseAsync("", options);
        Assert.Equal(ChatFinishReason.Stop, reply.FinishReason);
        using (var parsed = JsonDocument.Parse(reply.Text))
        {
            var property = Assert.Single(parsed.RootElement.EnumerateObject());
            Assert.Equal("count", property.Name);
            double count = property.Value.GetDouble(); // JSON Schema integers may be written 7.0
            Assert.Equal(Math.Floor(count), count);
            Assert.InRange(count, 0, 99);
        }

        using var unsupported = JsonDocument.Parse("{\"type\": \"string\", \"format\": \"idn-email\"}");
        await Assert.ThrowsAsync<ConstrainedDecoding.JsonSchema.UnsupportedSchemaException>(() =>
            client.GetResponseAsync(Prompt, new ChatOptions { ResponseFormat = ChatResponseFormat.ForJsonSchema(unsupported.RootElement, "mail") }));

        var digits = model.Generator.CompileRegex("-?[1-9][0-9]{0,3}");
        IChatClient withFactory = new ConstrainedChatClient(model.Generator, new ConstrainedChatClientOptions { SchemaGrammarFactory = _ => digits });
        var response = await withFactory.GetResponseAsync(Prompt, options);
        Assert.Matches("^-?[1-9][0-9]{0,3}$", response.Text);
    }

    [Fact]
    public async Task GrammarInAdditionalProperties_ConstrainsTheReply()
    {
        IChatClient client = new ConstrainedChatClient(model.Generator);
        var options = new ChatOptions { AdditionalProperties = new() { [ConstrainedChatClient.GrammarPropertyName] = model.Generator.CompileRegex("(yes|no)") } };
        var response = await client.GetResponseAsync("Is it JSON? ", options);
        Assert.Contains(response.Text, new[] { "yes", "no" });
        await Assert.ThrowsAsync<NotSupportedException>(() => client.GetResponseAsync("x", new ChatOptions { StopSequences = ["}"] }));
        Assert.Same(model.Generator, client.GetService<ConstrainedGenerator>());
        Assert.NotNull(client.GetService<ChatClientMetadata>());
    }
}
