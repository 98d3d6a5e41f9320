import { render } from 'solid-js/web';
import { App } from './components/App.jsx';
import { startStore } from './store.js';
import './styles.css';

startStore();
const root = document.getElementById('app');
if (root) render(() => <App />, root);
