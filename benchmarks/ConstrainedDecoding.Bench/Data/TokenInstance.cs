namespace ConstrainedDecoding.Bench.Data;

/// <summary>One tokenized test instance: a line <c>{id, test, valid, text, ids}</c> of a token JSONL file.</summary>
/// <param name="SchemaId">The schema's id (pairs the instance with a line of a schema file).</param>
/// <param name="Test">Index of the test in the schema's <c>tests</c>.</param>
/// <param name="Valid">Whether the instance is valid under its schema.</param>
/// <param name="Ids">Token ids of the serialized instance (no special tokens).</param>
internal sealed record TokenInstance(string SchemaId, int Test, bool Valid, int[] Ids);

/// <summary>Consecutive instances of one schema (the token files list a schema's tests together).</summary>
internal sealed record InstanceGroup(string SchemaId, IReadOnlyList<TokenInstance> Instances);
