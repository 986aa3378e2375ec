import { PageHeader } from '@/components/layout/page-header';

export default function ExecutivePage() {
  return <PageHeader title="Executive overview" question="How is the store doing, and what changed?" />;
}
