import { useContext, useEffect, useRef } from "react";
import { Link, Route, Routes, useParams } from "react-router";
import { TrackerContext } from "./tracker.js";
import { ARTICLES } from "./articles.js";

export function App() {
  return (
    <>
      <nav>
        <Link to="/">Home</Link> <Link to="/articles/1">Article 1</Link> <Link to="/articles/2">Article 2</Link>{" "}
        <Link to="/about">About</Link>
      </nav>
      <main>
        <Routes>
          <Route path="/" element={<Home />} />
          <Route path="/articles/:id" element={<Article />} />
          <Route path="/about" element={<About />} />
        </Routes>
      </main>
    </>
  );
}

function Home() {
  useEffect(() => {
    document.title = "Harbour notes";
  }, []);
  return (
    <>
      <h1>Harbour notes</h1>
      <ul>
        {Object.entries(ARTICLES).map(([id, article]) => (
          <li key={id}>
            <Link to={`/articles/${id}`}>{article.title}</Link>
          </li>
        ))}
      </ul>
    </>
  );
}

function Article() {
  const { id } = useParams();
  const article = ARTICLES[id];
  const tracker = useContext(TrackerContext);
  const share = useRef(null);
  useEffect(() => {
    document.title = article.title;
  }, [article]);
  // Drawn after the route's DOM is in place, removed when the route leaves (or the id changes).
  useEffect(() => {
    const buttons = tracker.renderButtons(share.current, { channels: ["whatsapp", "email", "copy_link"] });
    return () => buttons.remove();
  }, [tracker, id]);
  return (
    <article>
      <h1>{article.title}</h1>
      <p id={`para-${id}`}>{article.text}</p>
      <div className="share" ref={share} />
    </article>
  );
}

function About() {
  useEffect(() => {
    document.title = "About";
  }, []);
  return (
    <>
      <h1>About</h1>
      <p>Notes from the harbour, shared by hand.</p>
      {/* A declared container: lanterne draws into it when it appears, no code needed. */}
      <div data-lanterne-share="" data-channels="telegram,sms" />
    </>
  );
}
