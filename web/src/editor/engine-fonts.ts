/**
 * The engine's own Latin font files, loaded by the studio: the engine draws Arial, Helvetica,
 * Times and Courier (and their aliases) with Arimo, Tinos and Cousine (src/pdf/fonts/registry.ts),
 * so the canvas draws them with the same files. Then a line's width, where it breaks and where it
 * sits in the box are the PDF's, whatever fonts the designer's machine has. Each face is fetched
 * only when a field uses it (the CSS lists subsets by unicode-range).
 */
import '@fontsource/arimo/400.css';
import '@fontsource/arimo/700.css';
import '@fontsource/arimo/400-italic.css';
import '@fontsource/arimo/700-italic.css';
import '@fontsource/tinos/400.css';
import '@fontsource/tinos/700.css';
import '@fontsource/tinos/400-italic.css';
import '@fontsource/tinos/700-italic.css';
import '@fontsource/cousine/400.css';
import '@fontsource/cousine/700.css';
import '@fontsource/cousine/400-italic.css';
import '@fontsource/cousine/700-italic.css';
