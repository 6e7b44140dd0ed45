/**
 * Video input: decoding H.264 (MP4, Matroska) and MPEG-4 Part 2 (Xvid/DivX in AVI, MP4) with
 * jcodec, frame sampling, transforms to tensors, dataset
 * layouts, a frame cache, a prefetching loader, and the synthetic multi-domain clips the demo
 * trains on.
 *
 * <p>Reading a clip: {@link mdlora.video.Clip#open} ({@link mdlora.video.VideoFile#open} for video
 * files, by content: {@link mdlora.video.VideoReader} for H.264, {@code Mpeg4Reader} for MPEG-4
 * Part 2; {@link mdlora.video.FrameFolder} for folders of frames); training input:
 * {@link mdlora.video.Dataset} (from {@link mdlora.video.ClipList}, {@link mdlora.video.Ucf101},
 * {@link mdlora.video.Hmdb51}, {@link mdlora.video.Kinetics400} or
 * {@link mdlora.video.SyntheticVideos}), a {@link mdlora.video.ClipSource} and a
 * {@link mdlora.video.Loader}.
 *
 * <h2>What decodes</h2>
 * Measured against ffmpeg 5.1 on libx264 streams, frame by frame in presentation order: jcodec
 * 0.2.5 decodes Constrained Baseline, Baseline, Main and High profile 8-bit 4:2:0 streams with
 * CAVLC or CABAC, the 8x8 transform, B-frames (pyramids, up to 8 in a row, 16 references),
 * explicit weighted prediction, several slices per frame, open GOPs, and sizes that are not
 * multiples of 16, with luma bit-exact and RGB within 47 dB PSNR of ffmpeg's {@code rgb24}
 * (colour conversion rounding); custom quantisation matrices decode with chroma slightly off
 * (RGB about 42 dB). Edit lists are honoured as ffmpeg does. H.264 in Matroska is bit-exact too.
 *
 * <p>MPEG-4 Part 2 as UCF101 (Xvid) and HMDB51 (DivX 5) ship it, in AVI (our own reader:
 * {@code AviFile}) or MP4 ('mp4v'): Simple and Advanced Simple profile, P- and B-frames, packed
 * bitstreams, open GOPs, odd sizes, at 60-72 dB luma PSNR against ffmpeg ({@code Mpeg4Reader};
 * jcodec's time-base defect is worked around in {@code JcodecMpeg4}). Refused from the VOL header:
 * GMC and static sprites, quarter-pel, video packets with resync markers, data partitioning,
 * interlacing, shapes, non-8-bit samples and complexity estimation.
 *
 * <p>Refused, each with a {@link mdlora.video.VideoFormatException} naming the file, the feature and
 * an ffmpeg command that re-encodes it: containers other than MP4, Matroska and AVI, codecs
 * other than H.264 and MPEG-4 Part 2 (HEVC, VP8, VP9, AV1, ...), the High 10, 4:2:2 and 4:4:4 profiles (more than 8 bits, other chroma
 * formats), interlaced coding, constrained intra prediction, and three features jcodec accepts but
 * decodes wrongly: temporal direct prediction (x264 {@code --direct temporal} or {@code auto}, as in
 * presets slow and slower), the deblocking filter switched off (preset ultrafast), and implicit
 * weighted bi-prediction in a stream without weighted P prediction ({@code --weightp 0}). x264's
 * default preset (medium) decodes exactly.
 */
package mdlora.video;
