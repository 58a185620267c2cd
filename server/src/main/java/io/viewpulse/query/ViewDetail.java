package io.viewpulse.query;

/**
 * One finished view opened on its own: its row and its timeline as stored ({@code model.Timeline}'s binary form,
 * null or empty when it has none: stored before timelines, or past their retention).
 */
public record ViewDetail(ViewRow row, byte[] timeline) {}
