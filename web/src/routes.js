// src/routes.js — every page of the app, ONE line each:
//   { path, title, perm, load, nav? }
// path: "/x" or "/x/:id" (params reach the page as props.params); perm: the
// permission (docs/security.md) a principal needs to see it — the nav shows
// the page only then; load: the page module (its own chunk, loaded on first
// visit), whose default export is the page component; nav: false keeps a
// page (a detail view) out of the navigation. Order is the nav's order.
// Add your page's line below and its file in src/pages/ (docs/web.md).
import * as Dashboard from './pages/Dashboard.jsx'; // the landing page: in the first chunk, no second round trip

export const routes = [
  { path: '/', title: 'Dashboard', perm: 'analytics.read', load: async () => Dashboard },
  { path: '/analytics', title: 'Analytics', perm: 'analytics.read', load: () => import('./pages/Analytics.jsx') },
  { path: '/inventory', title: 'Inventory', perm: 'stock.read', load: () => import('./pages/Inventory.jsx') },
  { path: '/forecasts', title: 'Forecasts', perm: 'stock.read', load: () => import('./pages/Forecasts.jsx') },
  { path: '/reorder', title: 'Reorder', perm: 'stock.read', load: () => import('./pages/Reorder.jsx') },
  { path: '/reorder/:id', title: 'Reorder suggestion', perm: 'stock.read', nav: false, load: () => import('./pages/ReorderSuggestion.jsx') },
  { path: '/suppliers', title: 'Suppliers', perm: 'supplier.read', load: () => import('./pages/Suppliers.jsx') },
  { path: '/suppliers/:id', title: 'Supplier', perm: 'supplier.read', nav: false, load: () => import('./pages/Supplier.jsx') },
  { path: '/purchase-orders', title: 'Purchase orders', perm: 'supplier.read', load: () => import('./pages/PurchaseOrders.jsx') },
  { path: '/purchase-orders/:id', title: 'Purchase order', perm: 'supplier.read', nav: false, load: () => import('./pages/PurchaseOrder.jsx') },
  { path: '/transactions', title: 'Transactions', perm: 'txn.read', load: () => import('./pages/Transactions.jsx') },
  { path: '/transactions/:id', title: 'Sale', perm: 'txn.read', nav: false, load: () => import('./pages/Transaction.jsx') },
  { path: '/fraud', title: 'Fraud review', perm: 'fraud.review', load: () => import('./pages/FraudReview.jsx') },
  { path: '/products', title: 'Products', perm: 'catalog.read', load: () => import('./pages/Products.jsx') },
  { path: '/alerts', title: 'Alerts', perm: 'alert.read', load: () => import('./pages/Alerts.jsx') },
  { path: '/admin', title: 'Admin', perm: 'user.admin', load: () => import('./pages/Admin.jsx') },
];

/** The sign-in page is not a route: the shell shows it to anyone signed out. */
export const signInPath = '/signin';
