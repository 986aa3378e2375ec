/** Runs before first paint (inline in <head>): applies the stored or system theme, so no flash. */
export const THEME_STORAGE_KEY = 'clicklake-theme';

export const THEME_SCRIPT = `(function(){try{var p=localStorage.getItem('${THEME_STORAGE_KEY}')||'system';var d=p==='dark'||(p==='system'&&matchMedia('(prefers-color-scheme: dark)').matches);var e=document.documentElement;e.classList.toggle('dark',d);e.dataset.themePref=p;}catch(_){}})();`;
