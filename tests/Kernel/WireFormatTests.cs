using System.Text;
using System.Text.Json.Nodes;
using Diffusion.Kernel.Protocol;

namespace Diffusion.Tests.Kernel;

public class WireFormatTests
{
    private static readonly byte[][] Parts =
    [
        "{\"msg_id\":\"1\"}"u8.ToArray(), "{}"u8.ToArray(), "{}"u8.ToArray(), "{\"code\":\"1+1\"}"u8.ToArray(),
    ];

    private static JupyterMessage Request(string code = "1+1") =>
        JupyterMessage.Create("execute_request", new JsonObject { ["code"] = code }, null, "session-1",
            [Encoding.ASCII.GetBytes("client-a"), Encoding.ASCII.GetBytes("client-b")]);

    [Fact]
    public void Sign_MatchesPythonHmacSha256()
    {
        // hmac.new(b"secret", digestmod=hashlib.sha256) updated with the four frames, in Python 3.11.
        var signer = new MessageSigner("secret");
        Assert.Equal("8b401df890f3e1a0a11fe0065dc9c527656a04e4c12230f675f0a5b83a2f600c", signer.Sign(Parts));
    }

    [Fact]
    public void Sign_IsEmptyWithoutKey()
    {
        var signer = new MessageSigner("");
        Assert.False(signer.Enabled);
        Assert.Equal("", signer.Sign(Parts));
        Assert.True(signer.Verify("", Parts));
    }

    [Fact]
    public void Verify_AcceptsUpperCaseAndRejectsOtherDigests()
    {
        var signer = new MessageSigner("secret");
        Assert.True(signer.Verify("8B401DF890F3E1A0A11FE0065DC9C527656A04E4C12230F675F0A5B83A2F600C", Parts));
        Assert.False(signer.Verify("8b401df890f3e1a0a11fe0065dc9c527656a04e4c12230f675f0a5b83a2f600d", Parts));
        Assert.False(signer.Verify("", Parts));
    }

    [Fact]
    public void Encode_PutsIdentitiesThenDelimiterThenSignatureAndFourJsonFrames()
    {
        var signer = new MessageSigner("secret");
        var frames = WireFormat.Encode(Request(), signer);

        Assert.Equal(8, frames.Count);
        Assert.Equal("client-a", Encoding.ASCII.GetString(frames[0]));
        Assert.Equal("client-b", Encoding.ASCII.GetString(frames[1]));
        Assert.Equal("<IDS|MSG>", Encoding.ASCII.GetString(frames[2]));
        Assert.Equal(signer.Sign(frames.Skip(4).Take(4)), Encoding.ASCII.GetString(frames[3]));
        var header = JsonNode.Parse(frames[4])!.AsObject();
        Assert.Equal("execute_request", header["msg_type"]!.GetValue<string>());
        Assert.Equal("5.3", header["version"]!.GetValue<string>());
        Assert.Equal("{}", Encoding.UTF8.GetString(frames[5]));
        Assert.Equal("1+1", JsonNode.Parse(frames[7])!["code"]!.GetValue<string>());
    }

    [Fact]
    public void Decode_RoundTripsIdentitiesContentAndBuffers()
    {
        var signer = new MessageSigner("k");
        var message = Request("Console.WriteLine(\"héllo 🌍 你好\");");
        message.Buffers.Add([1, 2, 3]);
        var decoded = WireFormat.Decode(WireFormat.Encode(message, signer), signer);

        Assert.Equal(["client-a", "client-b"], decoded.Identities.Select(Encoding.ASCII.GetString));
        Assert.Equal(message.MsgId, decoded.MsgId);
        Assert.Equal("execute_request", decoded.MsgType);
        Assert.Equal("Console.WriteLine(\"héllo 🌍 你好\");", decoded.Content["code"]!.GetValue<string>());
        Assert.Equal([1, 2, 3], Assert.Single(decoded.Buffers));
    }

    [Fact]
    public void Reply_CopiesIdentitiesAndParentHeader()
    {
        var request = Request();
        var reply = JupyterMessage.Create("execute_reply", new JsonObject { ["status"] = "ok" }, request, "kernel-session");

        Assert.Equal(request.Identities, reply.Identities);
        Assert.Equal(request.MsgId, reply.ParentHeader["msg_id"]!.GetValue<string>());
        Assert.NotEqual(request.MsgId, reply.MsgId);
        Assert.Equal("kernel-session", reply.Header["session"]!.GetValue<string>());
    }

    [Fact]
    public void Decode_RejectsBadSignature()
    {
        var frames = WireFormat.Encode(Request(), new MessageSigner("right key"));
        Assert.Throws<InvalidSignatureException>(() => WireFormat.Decode(frames, new MessageSigner("wrong key")));
    }

    [Fact]
    public void Decode_RejectsTamperedContent()
    {
        var signer = new MessageSigner("k");
        var frames = WireFormat.Encode(Request(), signer);
        frames[^1] = "{\"code\":\"System.IO.File.Delete(\\\"x\\\")\"}"u8.ToArray();
        Assert.Throws<InvalidSignatureException>(() => WireFormat.Decode(frames, signer));
    }

    [Fact]
    public void Decode_AcceptsAnythingWhenUnsigned()
    {
        var frames = WireFormat.Encode(Request(), new MessageSigner(""));
        Assert.Equal("", Encoding.ASCII.GetString(frames[3]));
        Assert.Equal("execute_request", WireFormat.Decode(frames, new MessageSigner("")).MsgType);
    }

    [Fact]
    public void Decode_ThrowsWithoutDelimiterOrWithTooFewFrames()
    {
        var signer = new MessageSigner("");
        var frames = WireFormat.Encode(Request(), signer);
        Assert.Throws<ProtocolException>(() => WireFormat.Decode(frames.Where(f => !f.SequenceEqual(WireFormat.Delimiter)).ToList(), signer));
        Assert.Throws<ProtocolException>(() => WireFormat.Decode(frames.Take(5).ToList(), signer));
    }

    [Fact]
    public void Decode_AcceptsMessagesWithoutIdentities()
    {
        var signer = new MessageSigner("k");
        var message = JupyterMessage.Create("kernel_info_request", [], null, "s");
        var decoded = WireFormat.Decode(WireFormat.Encode(message, signer), signer);
        Assert.Empty(decoded.Identities);
        Assert.Equal("kernel_info_request", decoded.MsgType);
    }
}
