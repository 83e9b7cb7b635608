export default function (component) {
  const { data, parentElement, setTriggerValue } = component;
  const root = parentElement.querySelector(".bf-sentinel");
  if (!root || root.dataset.watching || !(data && data.armed)) return;
  root.dataset.watching = "true";
  const margin = (data && data.margin) || 0;
  let queued = false;
  // Above the viewport's bottom edge plus the margin, or already scrolled past: a fast jump (End,
  // a long fling) can skip over a one-pixel element, so this checks where it is, not a crossing.
  const check = () => {
    queued = false;
    if (root.dataset.reached || root.getBoundingClientRect().top > window.innerHeight + margin) return;
    root.dataset.reached = "true";
    document.removeEventListener("scroll", onScroll, true);
    window.removeEventListener("resize", onScroll);
    setTriggerValue("reached", true);
  };
  const onScroll = () => { if (!queued) { queued = true; requestAnimationFrame(check); } };
  document.addEventListener("scroll", onScroll, { capture: true, passive: true });  // any scroller
  window.addEventListener("resize", onScroll);
  onScroll();
}
