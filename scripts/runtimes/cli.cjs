// Runs the driver through CommonJS: `require("agent-warden")` picks the package's `require` entry.
const corpus = !process.argv.includes("--cold-only");
import("./driver.mjs")
  .then(({ main }) => main({ load: async () => require("agent-warden"), corpus }))
  .then((out) => console.log(JSON.stringify({ ...out, resolved: require.resolve("agent-warden") })))
  .catch((err) => {
    console.error(err);
    process.exitCode = 1;
  });
