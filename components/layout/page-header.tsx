export function PageHeader({ title, question }: { title: string; question: string }) {
  return (
    <div className="mb-6">
      <h1 className="text-2xl font-semibold tracking-tight">{title}</h1>
      <p className="mt-1 text-slate-600 dark:text-slate-400">{question}</p>
    </div>
  );
}
