package io.viewpulse.client;

/**
 * The quality of a group of sessions playing now, over what they reported so far ({@code metrics=quality} of
 * {@code /api/data/views/now}): the definitions of the views query's quality metrics, over the open sessions. A value
 * is null where it is undefined for the group (no session with a first frame, no bitrate reported, ...); rates and
 * percentages are fractions, scores 0 to 100.
 *
 * @param ttffP50Ms median time to first frame (a t-digest estimate)
 * @param ttffP95Ms 95th percentile of time to first frame
 * @param rebufferRatio rebuffer time over playing plus rebuffer time
 * @param playbackFailureRate share of sessions with a fatal error at any point
 * @param videoStartupFailureRate share of sessions with a fatal error before their first frame
 * @param nonFatalErrorRate share of sessions with a non-fatal error
 * @param nonFatalErrorCount non-fatal errors
 * @param rebufferCount rebuffers after the first frame
 * @param rebufferFrequency rebuffers per minute of watch time
 * @param rebufferDurationMs rebuffer time after the first frame per session
 * @param seekLatencyMs mean time from seeking to playing again
 * @param averageBitrateBps bitrate weighted by playing time
 * @param renditionSwitchUpCount switches to a higher bitrate
 * @param renditionSwitchDownCount switches to a lower bitrate
 * @param droppedFrameCount frames dropped
 * @param droppedFrameRate dropped frames over decoded frames
 * @param upscalePercentage mean upscaling over the playing time whose sizes are known
 * @param downscalePercentage mean downscaling over the playing time whose sizes are known
 * @param playbackSuccessScore per session 100, 50 for an exit before start, 0 for a failure, averaged
 * @param startupTimeScore per session with a first frame after s seconds 8 / (8 + s) x 100, averaged
 * @param smoothnessScore Mux's smoothness score, averaged over the sessions with a first frame
 * @param videoQualityScore Mux's video quality score, averaged over the sessions with a first frame and known sizes
 * @param viewerExperienceScore the server's weighted mean of the other scores (README, What the numbers mean)
 */
public record RealtimeQuality(Double ttffP50Ms, Double ttffP95Ms, Double rebufferRatio, Double playbackFailureRate,
    Double videoStartupFailureRate, Double nonFatalErrorRate, Long nonFatalErrorCount, Long rebufferCount,
    Double rebufferFrequency, Double rebufferDurationMs, Double seekLatencyMs, Double averageBitrateBps,
    Long renditionSwitchUpCount, Long renditionSwitchDownCount, Long droppedFrameCount, Double droppedFrameRate,
    Double upscalePercentage, Double downscalePercentage, Double playbackSuccessScore, Double startupTimeScore,
    Double smoothnessScore, Double videoQualityScore, Double viewerExperienceScore) {}
