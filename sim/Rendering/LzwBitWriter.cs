namespace TrpoEdge.Sim.Rendering;

/// <summary>Packs variable-width codes least-significant bit first, as GIF's LZW stream requires.</summary>
internal sealed class LzwBitWriter
{
    private readonly MemoryStream _bytes = new();
    private int _acc, _count;

    public void Put(int code, int size)
    {
        _acc |= code << _count;
        _count += size;
        while (_count >= 8)
        {
            _bytes.WriteByte((byte)_acc);
            _acc >>= 8;
            _count -= 8;
        }
    }

    public byte[] ToArray()
    {
        if (_count > 0) { _bytes.WriteByte((byte)_acc); _acc = 0; _count = 0; }
        return _bytes.ToArray();
    }
}
