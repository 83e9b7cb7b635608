const BAND = 100;

export default function (component) {
  const { data, parentElement, setTriggerValue } = component;
  const root = parentElement.querySelector(".bf-sentinel");
  if (!root) return;
  // What the server drew with: the sections below drawn ("near") or waiting in placeholders.
  root.__near = Boolean(data && data.near);
  root.__margin = (data && data.margin) || 0;
  root.__sent = null;  // a new run has drawn what it was asked for
  if (root.dataset.watching) { root.__check(); return; }
  root.dataset.watching = "true";
  let queued = false;
  // Near: above the viewport's bottom edge plus the margin, or already scrolled past (a fast jump,
  // End or a long fling, can skip over a one-pixel element, so this checks where it is, not a
  // crossing). Far: more than the margin and a band of BAND pixels below it; within the band nothing
  // changes, so a learner scrolling about the edge does not make the sections come and go.
  root.__check = () => {
    queued = false;
    const top = root.getBoundingClientRect().top, bottom = window.innerHeight;
    let near = root.__near;
    if (top <= bottom + root.__margin) near = true;
    else if (top > bottom + root.__margin + BAND) near = false;
    if (near === root.__near || near === root.__sent) return;
    root.__sent = near;
    setTriggerValue("near", near ? "near" : "far");  // a trigger of false is dropped
  };
  const onScroll = () => { if (!queued) { queued = true; requestAnimationFrame(root.__check); } };
  document.addEventListener("scroll", onScroll, { capture: true, passive: true });  // any scroller
  window.addEventListener("resize", onScroll);
  // The page above can grow or shrink without a scroll (another model, sliders shown or hidden):
  // watch the page's content too, so the sentinel's place is checked again.
  const host = root.getRootNode().host || root;
  const page = host.closest('[data-testid="stMainBlockContainer"]') || document.body;
  new ResizeObserver(onScroll).observe(page);
  onScroll();
}
