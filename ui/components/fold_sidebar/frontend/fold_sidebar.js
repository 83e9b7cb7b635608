// Presentation mode: press the sidebar's « once per token the server sends (ui/components/fold_sidebar).
// The page remembers the last token it folded for, so a rerun with the same token leaves a sidebar
// the teacher opened again with » open; a reload starts afresh and folds for the link's token.
const SIDEBAR = '[data-testid="stSidebar"]';
const COLLAPSE = '[data-testid="stSidebarCollapseButton"] button';

function open(sidebar) {
  const box = sidebar.getBoundingClientRect();
  return box.width > 1 && box.right > 1;   // folded, it is 0 wide or moved off the left edge
}

export default function (component) {
  const token = component.data && Number(component.data.token);
  if (!token || window.__vaeFoldedToken === token) return;
  window.__vaeFoldedToken = token;
  let tries = 0;
  const fold = () => {   // the sidebar and its button may be drawn a frame or two after this element
    const sidebar = document.querySelector(SIDEBAR), button = document.querySelector(COLLAPSE);
    if (sidebar && button) {
      if (open(sidebar)) button.click();
      return;
    }
    if (++tries < 30) requestAnimationFrame(fold);
  };
  requestAnimationFrame(fold);
}
