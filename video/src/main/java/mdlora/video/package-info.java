/**
 * Video input: decoding MP4/H.264 with jcodec, frame sampling, transforms to tensors, dataset
 * layouts, a frame cache, a prefetching loader, and the synthetic multi-domain clips the demo
 * trains on.
 *
 * <p>Reading a clip: {@link mdlora.video.Clip#open} ({@link mdlora.video.VideoReader} for MP4
 * files, {@link mdlora.video.FrameFolder} for folders of frames); training input:
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
 * (RGB about 42 dB). Edit lists are honoured as ffmpeg does.
 *
 * <p>Refused, each with a {@link mdlora.video.VideoFormatException} naming the file, the feature and
 * an ffmpeg command that re-encodes it: containers other than MP4 (AVI, Matroska, ...), codecs
 * other than H.264, the High 10, 4:2:2 and 4:4:4 profiles (more than 8 bits, other chroma
 * formats), interlaced coding, constrained intra prediction, and three features jcodec accepts but
 * decodes wrongly: temporal direct prediction (x264 {@code --direct temporal} or {@code auto}, as in
 * presets slow and slower), the deblocking filter switched off (preset ultrafast), and implicit
 * weighted bi-prediction in a stream without weighted P prediction ({@code --weightp 0}). x264's
 * default preset (medium) decodes exactly.
 */
package mdlora.video;
