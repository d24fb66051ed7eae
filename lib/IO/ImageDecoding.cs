using System.Globalization;
using SixLabors.ImageSharp;
using SixLabors.ImageSharp.Formats;
using SixLabors.ImageSharp.Formats.Bmp;
using SixLabors.ImageSharp.Formats.Gif;
using SixLabors.ImageSharp.Formats.Jpeg;
using SixLabors.ImageSharp.Formats.Png;
using SixLabors.ImageSharp.Formats.Webp;
using SixLabors.ImageSharp.Memory;
using SixLabors.ImageSharp.Metadata;
using SixLabors.ImageSharp.PixelFormats;

namespace Diffusion.IO;

/// <summary>
/// Decodes image files with ImageSharp under <see cref="ImageLimits"/>: only PNG, JPEG, WebP, BMP and GIF are
/// recognised, the header is checked before any pixel is allocated, GIFs give their first frame, and every failure
/// becomes an <see cref="ImageDecodeException"/> that names the file.
/// </summary>
internal static class ImageDecoding
{
    /// <summary>The formats the course reads (ImageSharp also knows TIFF, TGA and PBM; they are left out on purpose).</summary>
    internal const string Formats = "PNG, JPEG, WebP, BMP or GIF";

    private static readonly Lazy<Configuration> DefaultConfiguration = new(() => CreateConfiguration(ImageLimits.Default));

    /// <summary>Reads and decodes the file at <paramref name="path"/> as 8-bit RGB (alpha dropped); the caller disposes the image.</summary>
    internal static Image<Rgb24> Read(string path, ImageLimits limits)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(path);
        byte[] data;
        try
        {
            var info = new FileInfo(path);
            if (!info.Exists)
            {
                throw new FileNotFoundException($"there is no image file '{path}'", path);
            }
            if (info.Length > limits.MaxFileBytes)
            {
                throw new ImageDecodeException(path, $"the file holds {info.Length:N0} bytes, more than the {limits.MaxFileBytes:N0} allowed (ImageLimits.MaxFileBytes)");
            }
            data = File.ReadAllBytes(path);
        }
        catch (IOException e) when (e is not FileNotFoundException and not ImageDecodeException)
        {
            throw new ImageDecodeException(path, "the file could not be read: " + e.Message, e);
        }
        return Decode(data, path, limits);
    }

    /// <summary>Decodes <paramref name="data"/> (named <paramref name="name"/> in errors) as 8-bit RGB; the caller disposes the image.</summary>
    internal static Image<Rgb24> Decode(byte[] data, string name, ImageLimits limits)
    {
        ArgumentNullException.ThrowIfNull(data);
        ArgumentNullException.ThrowIfNull(limits);
        limits.Validate();
        if (data.Length > limits.MaxFileBytes)
        {
            throw new ImageDecodeException(name, $"the data holds {data.Length:N0} bytes, more than the {limits.MaxFileBytes:N0} allowed (ImageLimits.MaxFileBytes)");
        }
        if (data.Length == 0)
        {
            throw new ImageDecodeException(name, "the file is empty");
        }
        var configuration = ConfigurationFor(limits);
        var (width, height, format) = Identify(configuration, data, name);
        CheckSize(width, height, format, name, limits);
        try
        {
            return Image.Load<Rgb24>(configuration, data);
        }
        catch (Exception e) when (e is not ImageDecodeException)
        {
            throw new ImageDecodeException(name, $"the {format} data is damaged ({Describe(e)})", e);
        }
    }

    /// <summary>The width and height in the file's header, without decoding pixels.</summary>
    internal static (int Width, int Height) Measure(byte[] data, string name)
    {
        ArgumentNullException.ThrowIfNull(data);
        var (width, height, _) = Identify(ConfigurationFor(ImageLimits.Default), data, name);
        return (width, height);
    }

    private static (int Width, int Height, string Format) Identify(Configuration configuration, byte[] data, string name)
    {
        IImageInfo? info;
        IImageFormat? format;
        try
        {
            info = Image.Identify(configuration, data, out format);
        }
        catch (Exception e) when (e is not ImageDecodeException)
        {
            throw new ImageDecodeException(name, $"its header is damaged ({Describe(e)})", e);
        }
        if (info is null || format is null)
        {
            throw new ImageDecodeException(name, $"it is not a {Formats} image (the first bytes are {Hex(data)})");
        }
        return (info.Width, info.Height, format.Name);
    }

    private static void CheckSize(int width, int height, string format, string name, ImageLimits limits)
    {
        if (width < 1 || height < 1)
        {
            throw new ImageDecodeException(name, $"its {format} header gives a size of {width}x{height} pixels");
        }
        if (width > limits.MaxSide || height > limits.MaxSide || (long)width * height > limits.MaxPixels)
        {
            throw new ImageDecodeException(name, string.Create(CultureInfo.InvariantCulture,
                $"its {format} header claims {width}x{height} pixels, beyond the limits of {limits.MaxSide} a side and {limits.MaxPixels:N0} pixels (ImageLimits); pass larger limits if the image is genuine"));
        }
    }

    private static Configuration ConfigurationFor(ImageLimits limits) =>
        limits == ImageLimits.Default ? DefaultConfiguration.Value : CreateConfiguration(limits);

    /// <summary>An ImageSharp configuration with the five formats, first-frame GIFs and a capped allocator.</summary>
    private static Configuration CreateConfiguration(ImageLimits limits)
    {
        var configuration = new Configuration(
            new PngConfigurationModule(),
            new JpegConfigurationModule(),
            new WebpConfigurationModule(),
            new BmpConfigurationModule(),
            new GifConfigurationModule())
        {
            MemoryAllocator = MemoryAllocator.Create(new MemoryAllocatorOptions { AllocationLimitMegabytes = limits.AllocationLimitMegabytes }),
        };
        configuration.ImageFormatsManager.SetDecoder(GifFormat.Instance, new GifDecoder { DecodingMode = FrameDecodingMode.First, MaxFrames = 1 });
        return configuration;
    }

    private static string Describe(Exception e) => $"{e.GetType().Name}: {e.Message}";

    private static string Hex(byte[] data) => Convert.ToHexString(data, 0, Math.Min(8, data.Length));
}
