import { addMediaMetrics } from "@livepeer/core-web/media/browser";
const source =
"https://livepeercdn.studio/recordings/bd600224-d93a-4ddc-a6ac-2d71e3c36768/index.m3u8";
const video = document.getElementById("my-video");
// set up your player before calling addMediaMetrics
addMediaMetrics(video, source, (e) => console.error("Error adding metrics", e));
