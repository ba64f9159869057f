// Tabs: a page's views as links (?view=k), so a reload or a shared link
// opens the same view; the current one is aria-current="page".
//   label: the navigation's accessible name; path: the page's path;
//   views: [[key, title]]; current: the key shown.
import { Link } from '../router.js';
import './Tabs.css';

export function Tabs({ label, path, views, current }) {
  return (
    <nav aria-label={label} class="tabs">
      <ul>
        {views.map(([k, title]) => (
          <li key={k}>
            <Link href={`${path}?view=${k}`} aria-current={current === k ? 'page' : undefined}>
              {title}
            </Link>
          </li>
        ))}
      </ul>
    </nav>
  );
}
