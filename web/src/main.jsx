// src/main.jsx — the entry: styles, the session kept in this tab, the shell.
import { render } from 'preact';
import { App } from './app.jsx';
import { restore } from './session.js';
import './style.css';

restore();
render(<App />, document.getElementById('app'));
