/**
 * WebSub publisher ping: tells the hub that the topic (our feed) changed, so
 * subscribed readers fetch it now instead of at their next poll.
 */
export async function notifyHub(hubUrl: string, topicUrl: string): Promise<void> {
  const response = await fetch(hubUrl, {
    method: "POST",
    headers: { "content-type": "application/x-www-form-urlencoded" },
    body: new URLSearchParams({ "hub.mode": "publish", "hub.url": topicUrl }).toString(),
    signal: AbortSignal.timeout(10_000),
    redirect: "error",
  });
  // Hubs answer 202 Accepted (some 204); anything else is worth a log line.
  if (response.status >= 300) {
    throw new Error(`WebSub hub ${hubUrl} answered HTTP ${response.status}`);
  }
}
