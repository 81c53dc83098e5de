using System.Text;

namespace ConstrainedDecoding.OnnxRuntime.Tests.Model;

/// <summary>
/// Writes tiny ONNX models (protobuf by hand) for load-error tests: a graph of one Cast from <c>input_ids</c> to
/// <c>logits</c>, with whatever other inputs a test declares.
/// </summary>
internal static class OnnxModelWriter
{
    private const int Float = 1, Int64 = 7;

    public static byte[] CastModel(params string[] extraInt64Inputs)
    {
        var graph = new MemoryStream();
        // node: Cast(input_ids) -> logits, to = FLOAT
        var attribute = Message(w => { w.String(1, "to"); w.Varint(3, Float); w.Varint(20, 2); });
        var node = Message(w => { w.String(1, "input_ids"); w.String(2, "logits"); w.String(4, "Cast"); w.Bytes(5, attribute); });
        Write(graph, 1, node);
        Write(graph, 2, Encoding.UTF8.GetBytes("tiny"));
        Write(graph, 11, ValueInfo("input_ids", Int64, "batch", "sequence"));
        foreach (string name in extraInt64Inputs) Write(graph, 11, ValueInfo(name, Int64, "batch", "total"));
        Write(graph, 12, ValueInfo("logits", Float, "batch", "sequence"));

        var model = new MemoryStream();
        var writer = new Writer(model);
        writer.Varint(1, 8); // ir_version
        writer.Bytes(8, Message(w => { w.String(1, ""); w.Varint(2, 17); })); // opset 17
        writer.Bytes(7, graph.ToArray());
        return model.ToArray();
    }

    private static byte[] ValueInfo(string name, int elementType, params string[] dims)
    {
        var shape = Message(w =>
        {
            foreach (string dim in dims) w.Bytes(1, Message(d => d.String(2, dim)));
        });
        var tensor = Message(w => { w.Varint(1, elementType); w.Bytes(2, shape); });
        var type = Message(w => w.Bytes(1, tensor));
        return Message(w => { w.String(1, name); w.Bytes(2, type); });
    }

    private static byte[] Message(Action<Writer> body)
    {
        var stream = new MemoryStream();
        body(new Writer(stream));
        return stream.ToArray();
    }

    private static void Write(MemoryStream stream, int field, byte[] bytes) => new Writer(stream).Bytes(field, bytes);

    private readonly struct Writer(MemoryStream stream)
    {
        public void Varint(int field, long value)
        {
            Raw((ulong)(field << 3));
            Raw((ulong)value);
        }

        public void String(int field, string value) => Bytes(field, Encoding.UTF8.GetBytes(value));

        public void Bytes(int field, byte[] value)
        {
            Raw((ulong)((field << 3) | 2));
            Raw((ulong)value.Length);
            stream.Write(value);
        }

        private void Raw(ulong value)
        {
            while (value >= 0x80)
            {
                stream.WriteByte((byte)(value | 0x80));
                value >>= 7;
            }
            stream.WriteByte((byte)value);
        }
    }
}
