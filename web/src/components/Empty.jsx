// Empty: what a list or panel shows when there is nothing (say what and why).
export function Empty({ children = 'Nothing here yet.' }) {
  return <p class="empty">{children}</p>;
}
