using StbImageSharp;
using ZXing;
using ZXing.Common;
using ZXing.QrCode;

namespace Telehealth.Identity.Tests.Infrastructure;

/// <summary>Reads a QR code the way a phone's camera app would, with a decoder of its own (ZXing), not the encoder's.</summary>
public static class QrCodes
{
    /// <summary>The text of the QR code in a <c>data:image/png;base64,</c> URI.</summary>
    public static string Read(string dataUri)
    {
        const string prefix = "data:image/png;base64,";
        Assert.StartsWith(prefix, dataUri);
        var image = ImageResult.FromMemory(Convert.FromBase64String(dataUri[prefix.Length..]), ColorComponents.RedGreenBlue);
        var pixels = new RGBLuminanceSource(image.Data, image.Width, image.Height, RGBLuminanceSource.BitmapFormat.RGB24);
        var result = new QRCodeReader().decode(new BinaryBitmap(new HybridBinarizer(pixels)),
            new Dictionary<DecodeHintType, object> { [DecodeHintType.PURE_BARCODE] = true });
        Assert.NotNull(result);
        return result.Text;
    }
}
