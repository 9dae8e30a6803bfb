// Every card a test renders is also expanded by adaptivecards-templating and compared (src/cards/render.ts).
// Set before any test module loads, and inherited by the processes tests start.
process.env.MAILFLOW_CHECK_CARDS = '1';
