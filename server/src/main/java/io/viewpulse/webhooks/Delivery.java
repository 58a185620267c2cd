package io.viewpulse.webhooks;

import java.time.Instant;

/**
 * One attempt to post to a webhook: the receiver's status code, or why there was none.
 *
 * @param id the {@code Viewpulse-Delivery} header sent (the same for every attempt of one delivery)
 * @param attemptedAt when the attempt started (the server's clock)
 * @param status the answer's status code, or 0 when there was no answer
 * @param failure why there was no answer (refused address, timeout, connection failure) or why an answer is no
 *     delivery (a redirect, not followed); null otherwise
 * @param answerBytes bytes of the answer's body read (at most the client's bound)
 * @param answerCut whether the answer was longer than the bound and the rest was not read
 */
public record Delivery(String id, Instant attemptedAt, int status, String failure, int answerBytes,
    boolean answerCut) {

  /** Whether the receiver took it: a 2xx status. A redirect is not followed and counts as a failed attempt. */
  public boolean delivered() {
    return status >= 200 && status < 300;
  }

  /** A status or the failure, for logs and the API. */
  public String outcome() {
    return failure != null ? failure : "HTTP " + status;
  }
}
