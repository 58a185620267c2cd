package io.viewpulse.client;

/**
 * Usage of the account: minutes delivered to viewers. Viewpulse neither transcodes nor stores video, so the other two
 * are 0.
 *
 * @param timeInterval bucket start in Unix ms, with a time step only
 * @param creatorId the creator, when filtered or broken down by creator
 */
public record UsageMetric(Long timeInterval, String userId, String creatorId, double deliveryUsageMins,
    double totalUsageMins, double storageUsageMins) {}
