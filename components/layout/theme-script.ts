/** Runs before first paint (inline in <head>): applies the stored or system theme, so no flash. */
export const THEME_STORAGE_KEY = 'clicklake-theme';

/**
 * The resolved theme (light or dark) as last applied in this browser, so the server can render the
 * next page in it (chart frames are drawn in one theme). A hint only: the script below still decides.
 */
export const THEME_COOKIE = 'clicklake-theme';

/** The cookie's attributes after its value: the whole site, a year. */
export const THEME_COOKIE_ATTRIBUTES = ';path=/;max-age=31536000;samesite=lax';

export const THEME_SCRIPT = `(function(){try{var p=localStorage.getItem('${THEME_STORAGE_KEY}')||'system';var d=p==='dark'||(p==='system'&&matchMedia('(prefers-color-scheme: dark)').matches);var e=document.documentElement;e.classList.toggle('dark',d);e.dataset.themePref=p;document.cookie='${THEME_COOKIE}='+(d?'dark':'light')+'${THEME_COOKIE_ATTRIBUTES}';}catch(_){}})();`;
