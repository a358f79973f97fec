// Read .ics files the way Thunderbird does (Mozilla's ical.js) and print what it sees as JSON.
// Usage: node read_ics.mjs FILE.ics [...]   ->  [{file, calname, events: [{uid, summary, ...}]}]
// Only the VTIMEZONEs inside each file are used: ical.js knows no zones of its own here.
import { readFileSync } from "node:fs";
import ICAL from "ical.js";

function readOne(path) {
  const text = readFileSync(path, "utf8");
  const root = new ICAL.Component(ICAL.parse(text));
  ICAL.TimezoneService.reset();
  for (const vtz of root.getAllSubcomponents("vtimezone")) {
    ICAL.TimezoneService.register(vtz);
  }
  const events = root.getAllSubcomponents("vevent").map((comp) => {
    const ev = new ICAL.Event(comp);
    const start = ev.startDate;
    const end = ev.endDate;
    const prop = comp.getFirstProperty("dtstart");
    return {
      uid: ev.uid,
      summary: ev.summary,
      description: ev.description,
      status: comp.getFirstPropertyValue("status"),
      sequence: ev.sequence,
      categories: comp.getAllProperties("categories").flatMap((p) => p.getValues()),
      all_day: start.isDate,
      tzid: prop.getParameter("tzid") || null,
      // all-day: the date; timed: the instant in seconds since 1970 (UTC), as ical.js resolves the zone
      start: start.isDate ? start.toString() : start.toUnixTime(),
      end: end.isDate ? end.toString() : end.toUnixTime(),
      start_local: start.toString(),
      utc_offset_seconds: start.isDate ? null : start.utcOffset(),
      alarms: comp.getAllSubcomponents("valarm").map((a) => String(a.getFirstPropertyValue("trigger"))),
    };
  });
  return {
    file: path,
    calname: root.getFirstPropertyValue("x-wr-calname"),
    method: root.getFirstPropertyValue("method"),
    events,
  };
}

process.stdout.write(JSON.stringify(process.argv.slice(2).map(readOne), null, 1) + "\n");
