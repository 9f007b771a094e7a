// DKFDS's date picker on every date field of the screens (markup: a `.date-picker` around a
// text input whose value is yyyy-mm-dd; the user types or picks dd-mm-åååå). Danish is
// DKFDS's own wording; the English page gets English names.
(function () {
  if (!window.DKFDS || !window.DKFDS.datePicker) return;
  var english = {
    open_calendar: "Open calendar",
    choose_a_date: "Choose a date",
    choose_a_date_between: "Choose a date between {minDay} {minMonthStr} {minYear} and {maxDay} {maxMonthStr} {maxYear}",
    choose_a_date_before: "Choose a date. Dates up to {maxDay} {maxMonthStr} {maxYear} can be chosen.",
    choose_a_date_after: "Choose a date. Dates from {minDay} {minMonthStr} {minYear} can be chosen.",
    aria_label_date: "{dayStr} {day} {monthStr} {year}",
    current_month_displayed: "Showing {monthLabel} {focusedYear}",
    first_possible_date: "First date that can be chosen",
    last_possible_date: "Last date that can be chosen",
    previous_year: "One year back",
    previous_month: "One month back",
    next_month: "One month forward",
    next_year: "One year forward",
    select_month: "Choose month",
    select_year: "Choose year",
    previous_years: "{years} years back",
    next_years: "{years} years forward",
    guide: "With the keyboard, the left and right arrow keys change the day, up and down the week, page up and page down the month, and shift with page up or page down the year. Home and end go to the start or end of a week.",
    months_displayed: "Choose a month",
    years_displayed: "Showing the years {start} to {end}. Choose a year.",
    january: "January", february: "February", march: "March", april: "April", may: "May",
    june: "June", july: "July", august: "August", september: "September",
    october: "October", november: "November", december: "December",
    monday: "Monday", tuesday: "Tuesday", wednesday: "Wednesday", thursday: "Thursday",
    friday: "Friday", saturday: "Saturday", sunday: "Sunday"
  };
  if (document.documentElement.lang === "en") {
    window.DKFDS.datePicker.setLanguage(english);
  }
  window.DKFDS.datePicker.on(document.body);
})();
