using System.Globalization;
using System.Text;

namespace Gb28181Gateway.Protocol.Text;

/// <summary>
/// Encoder fallback that writes a character the target charset cannot hold as an XML hexadecimal character
/// reference, so nothing is lost and the bytes still match the declaration. Only valid inside XML content.
/// </summary>
internal sealed class XmlCharRefEncoderFallback : EncoderFallback
{
    public override int MaxCharCount => 10; // "&#x10FFFF;"

    public override EncoderFallbackBuffer CreateFallbackBuffer() => new Buffer();

    private sealed class Buffer : EncoderFallbackBuffer
    {
        private string _pending = string.Empty;
        private int _position;

        public override int Remaining => _pending.Length - _position;

        public override bool Fallback(char charUnknown, int index) =>
            Set(char.IsSurrogate(charUnknown) ? 0xFFFD : charUnknown);

        public override bool Fallback(char charUnknownHigh, char charUnknownLow, int index) =>
            Set(char.ConvertToUtf32(charUnknownHigh, charUnknownLow));

        public override char GetNextChar() => _position < _pending.Length ? _pending[_position++] : '\0';

        public override bool MovePrevious()
        {
            if (_position == 0)
            {
                return false;
            }

            _position--;
            return true;
        }

        public override void Reset()
        {
            _pending = string.Empty;
            _position = 0;
        }

        private bool Set(int codePoint)
        {
            _pending = "&#x" + codePoint.ToString("X", CultureInfo.InvariantCulture) + ";";
            _position = 0;
            return true;
        }
    }
}
